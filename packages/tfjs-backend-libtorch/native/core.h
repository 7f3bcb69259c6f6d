// Shared plumbing of the addon: the tensor store (id -> at::Tensor), argument helpers,
// and self-registration of kernel families (each native/*.cc registers its own functions).
#pragma once
#include <ATen/ATen.h>
#include <napi.h>
#include <functional>
#include <string>
#include <vector>

namespace ltb {

// Store: every tfjs dataId on this backend owns one slot. Id 0 is never used.
int32_t put(at::Tensor t);
const at::Tensor& get(int32_t id);
// The slot itself, for kernels that update a tensor in place or replace it (optimizer.cc).
at::Tensor& mut(int32_t id);
void release(int32_t id);
size_t count();
// Kernels that write into a stored tensor in place (the fused Adam, the distributed collectives) call
// noteInPlaceWrite; values derived from stored tensors and cached across calls (conv.cc's converted filters)
// are valid only while inPlaceWrites() is unchanged. Process-wide: a Worker's update invalidates every cache.
void noteInPlaceWrite();
uint64_t inPlaceWrites();
// The slot's tensor made safe to write in place (the fused Adam, the collectives): contiguous and the only user of its
// storage; a tensor that shares storage with another id (a view) is replaced by a copy. While recording, a copy of a
// tensor the plan would hold as a constant cannot be replayed (the plan keeps the old one): the recording is refused.
// A result of the recorded step may be copied (its kernel copies it again on replay). Callers noteInPlaceWrite.
at::Tensor& writable(int32_t id);

// Argument helpers.
const at::Tensor& T(const Napi::CallbackInfo& info, size_t i);  // tensor whose id is argument i
int64_t I(const Napi::CallbackInfo& info, size_t i);
double D(const Napi::CallbackInfo& info, size_t i);
// A double that may change from one replay of a plan to the next (a learning rate): recorded as the plan's next
// parameter, replaced by the value `replay` is given for it (replay.cc).
double P(const Napi::CallbackInfo& info, size_t i);
bool B(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> V(const Napi::CallbackInfo& info, size_t i);  // JS number array
// Stores t and returns its id; its dtype code, rank and sizes go to the shape buffer (setShapeBuffer)
// so that JS learns the result's shape without a second N-API call.
Napi::Value R(const Napi::CallbackInfo& info, at::Tensor t);
// Stores several results: returns [id, ...]; the shape buffer holds, per result, dtype, rank, sizes.
Napi::Value RN(const Napi::CallbackInfo& info, const std::vector<at::Tensor>& ts);
// Optional tensor argument: id 0 / undefined / null -> undefined tensor.
at::Tensor OT(const Napi::CallbackInfo& info, size_t i);
// String argument (an op name).
std::string S(const Napi::CallbackInfo& info, size_t i);
// Tensors whose ids are the JS number array at argument i.
std::vector<at::Tensor> TS(const Napi::CallbackInfo& info, size_t i);
// Kernels read their arguments only through these helpers (never info[i] directly): that is what lets
// replay.cc record a sequence of kernel calls and run it again from C++ (see replay.cc).

// dtype codes shared with TypeScript (src/native.ts): 0 float32, 1 int32, 2 bool.
at::ScalarType scalarType(int64_t code);
int64_t dtypeCode(at::ScalarType t);

using Fn = std::function<Napi::Value(const Napi::CallbackInfo&)>;
// How a function takes part in a recording (replay.cc): Kernel (recorded, replayed), InPlace (recorded and replayed
// although it returns no tensor: it writes into its arguments, the fused Adam), Source (its results are constants:
// write), Ignored (no tensor results: free, queries, settings), Barrier (ends the recording as unsupported: reads back
// to JS, collectives).
enum class Replay { Kernel, InPlace, Source, Ignored, Barrier };
// Registers a JS-callable function; C++ exceptions (c10::Error included) become JS errors.
void def(const char* name, Fn fn, Replay how = Replay::Kernel);
void exportAll(Napi::Env env, Napi::Object exports);
// A registered function by its index (replay.cc runs recorded kernels through these).
const Fn& function(size_t index);
const std::string& functionName(size_t index);
void setShapeBuffer(const Napi::CallbackInfo& info);

}  // namespace ltb
