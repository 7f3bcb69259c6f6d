#include "core.h"
#include <ATen/Parallel.h>
#include <cstring>
#include <string>
#include <utility>

namespace ltb {

namespace {
std::vector<at::Tensor> slots(1);
std::vector<int32_t> freeIds;
size_t live = 0;

std::vector<std::pair<std::string, Fn>>& registry() {
  static std::vector<std::pair<std::string, Fn>> r;
  return r;
}
}  // namespace

int32_t put(at::Tensor t) {
  int32_t id;
  if (!freeIds.empty()) {
    id = freeIds.back();
    freeIds.pop_back();
    slots[id] = std::move(t);
  } else {
    id = static_cast<int32_t>(slots.size());
    slots.push_back(std::move(t));
  }
  ++live;
  return id;
}

const at::Tensor& get(int32_t id) {
  if (id <= 0 || static_cast<size_t>(id) >= slots.size() || !slots[id].defined()) {
    throw std::runtime_error("libtorch backend: unknown tensor id " + std::to_string(id));
  }
  return slots[id];
}

void release(int32_t id) {
  if (id <= 0 || static_cast<size_t>(id) >= slots.size() || !slots[id].defined()) return;
  slots[id] = at::Tensor();
  freeIds.push_back(id);
  --live;
}

size_t count() { return live; }

const at::Tensor& T(const Napi::CallbackInfo& info, size_t i) { return get(info[i].As<Napi::Number>().Int32Value()); }
int64_t I(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int64Value(); }
double D(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
bool B(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }

std::vector<int64_t> V(const Napi::CallbackInfo& info, size_t i) {
  auto a = info[i].As<Napi::Array>();
  std::vector<int64_t> v(a.Length());
  for (uint32_t k = 0; k < a.Length(); ++k) v[k] = a.Get(k).As<Napi::Number>().Int64Value();
  return v;
}

Napi::Value R(const Napi::CallbackInfo& info, at::Tensor t) { return Napi::Number::New(info.Env(), put(std::move(t))); }

at::ScalarType scalarType(int64_t code) {
  switch (code) {
    case 0: return at::kFloat;
    case 1: return at::kInt;
    case 2: return at::kBool;
  }
  throw std::runtime_error("libtorch backend: unknown dtype code " + std::to_string(code));
}

int64_t dtypeCode(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return 0;
    case at::kInt: return 1;
    case at::kBool: return 2;
    default: throw std::runtime_error(std::string("libtorch backend: unsupported ATen dtype ") + c10::toString(t));
  }
}

void def(const char* name, Fn fn) { registry().emplace_back(name, std::move(fn)); }

void exportAll(Napi::Env env, Napi::Object exports) {
  for (auto& [name, fn] : registry()) {
    Fn f = fn;
    exports.Set(name, Napi::Function::New(env, [f](const Napi::CallbackInfo& info) -> Napi::Value {
      try {
        return f(info);
      } catch (const Napi::Error&) {
        throw;
      } catch (const c10::Error& e) {
        throw Napi::Error::New(info.Env(), e.what_without_backtrace());
      } catch (const std::exception& e) {
        throw Napi::Error::New(info.Env(), e.what());
      }
    }, name));
  }
}

}  // namespace ltb
