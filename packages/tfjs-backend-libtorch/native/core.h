// Shared plumbing of the addon: the tensor store (id -> at::Tensor), argument helpers,
// and self-registration of kernel families (each native/*.cc registers its own functions).
#pragma once
#include <ATen/ATen.h>
#include <napi.h>
#include <functional>
#include <vector>

namespace ltb {

// Store: every tfjs dataId on this backend owns one slot. Id 0 is never used.
int32_t put(at::Tensor t);
const at::Tensor& get(int32_t id);
// The slot itself, for kernels that update a tensor in place or replace it (optimizer.cc).
at::Tensor& mut(int32_t id);
void release(int32_t id);
size_t count();

// Argument helpers.
const at::Tensor& T(const Napi::CallbackInfo& info, size_t i);  // tensor whose id is argument i
int64_t I(const Napi::CallbackInfo& info, size_t i);
double D(const Napi::CallbackInfo& info, size_t i);
bool B(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> V(const Napi::CallbackInfo& info, size_t i);  // JS number array
// Stores t and returns its id; its dtype code, rank and sizes go to the shape buffer (setShapeBuffer)
// so that JS learns the result's shape without a second N-API call.
Napi::Value R(const Napi::CallbackInfo& info, at::Tensor t);
// Stores several results: returns [id, ...]; the shape buffer holds, per result, dtype, rank, sizes.
Napi::Value RN(const Napi::CallbackInfo& info, const std::vector<at::Tensor>& ts);
// Optional tensor argument: id 0 / undefined / null -> undefined tensor.
at::Tensor OT(const Napi::CallbackInfo& info, size_t i);

// dtype codes shared with TypeScript (src/native.ts): 0 float32, 1 int32, 2 bool.
at::ScalarType scalarType(int64_t code);
int64_t dtypeCode(at::ScalarType t);

using Fn = std::function<Napi::Value(const Napi::CallbackInfo&)>;
// Registers a JS-callable function; C++ exceptions (c10::Error included) become JS errors.
void def(const char* name, Fn fn);
void exportAll(Napi::Env env, Napi::Object exports);
void setShapeBuffer(const Napi::CallbackInfo& info);

}  // namespace ltb
