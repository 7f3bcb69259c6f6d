#include "core.h"
#include "replay.h"
#include <ATen/Parallel.h>
#include <atomic>
#include <cstring>
#include <string>
#include <utility>

namespace ltb {

namespace {
// The tensor store is per thread: each JS thread (the main one, every worker_threads Worker) has its own
// backend instance and its own ids, and Node loads the addon once per process, so a shared store would be
// written by two threads at once.
thread_local std::vector<at::Tensor> slots(1);
thread_local std::vector<int32_t> freeIds;
thread_local size_t live = 0;

struct Registered {
  std::string name;
  Fn fn;
  Replay how;
};

std::vector<Registered>& registry() {
  static std::vector<Registered> r;
  return r;
}
}  // namespace

int32_t put(at::Tensor t) {
  if (rp::active && rp::take(t)) return 0;
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
  if (rp::active) rp::notePut(id);
  return id;
}

const at::Tensor& get(int32_t id) { return mut(id); }

at::Tensor& mut(int32_t id) {
  if (id <= 0 || static_cast<size_t>(id) >= slots.size() || !slots[id].defined()) {
    throw std::runtime_error("libtorch backend: unknown tensor id " + std::to_string(id));
  }
  return slots[id];
}

void release(int32_t id) {
  if (id <= 0 || static_cast<size_t>(id) >= slots.size() || !slots[id].defined()) return;
  if (rp::active) rp::noteRelease(id);
  slots[id] = at::Tensor();
  freeIds.push_back(id);
  --live;
}

size_t count() { return live; }

namespace {
std::atomic<uint64_t> writes{0};
}
void noteInPlaceWrite() { writes.fetch_add(1, std::memory_order_relaxed); }
uint64_t inPlaceWrites() { return writes.load(std::memory_order_relaxed); }

at::Tensor& writable(int32_t id) {
  auto& t = mut(id);
  if (t.is_contiguous() && t.storage().use_count() == 1) return t;
  t = t.clone(at::MemoryFormat::Contiguous);
  if (rp::active && !rp::isSlot(id)) rp::fail("an in-place kernel copying a shared tensor");
  return t;
}

// Each helper reads argument i of the JS call, except while a recorded plan replays (rp::playing: the argument
// comes from the recording); while recording, what was read is noted (rp::note*).
const at::Tensor& T(const Napi::CallbackInfo& info, size_t i) {
  if (rp::active && rp::playing) return rp::tensor(i);
  int32_t id = info[i].As<Napi::Number>().Int32Value();
  const at::Tensor& t = get(id);
  if (rp::active) rp::noteTensors(i, {id}, rp::Kind::Tensor);
  return t;
}
int64_t I(const Napi::CallbackInfo& info, size_t i) {
  if (rp::active && rp::playing) return rp::arg(i).i;
  int64_t v = info[i].As<Napi::Number>().Int64Value();
  if (rp::active) rp::note(i, {rp::Kind::Int, v});
  return v;
}
double D(const Napi::CallbackInfo& info, size_t i) {
  if (rp::active && rp::playing) return rp::arg(i).d;
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (rp::active) rp::note(i, {rp::Kind::Double, 0, v});
  return v;
}
double P(const Napi::CallbackInfo& info, size_t i) {
  if (rp::active && rp::playing) return rp::param(i);
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (rp::active) rp::noteParam(i, v);
  return v;
}
bool B(const Napi::CallbackInfo& info, size_t i) {
  if (rp::active && rp::playing) return rp::arg(i).i != 0;
  bool v = info[i].ToBoolean().Value();
  if (rp::active) rp::note(i, {rp::Kind::Bool, v ? 1 : 0});
  return v;
}

std::vector<int64_t> V(const Napi::CallbackInfo& info, size_t i) {
  if (rp::active && rp::playing) return rp::arg(i).v;
  auto a = info[i].As<Napi::Array>();
  std::vector<int64_t> v(a.Length());
  for (uint32_t k = 0; k < a.Length(); ++k) v[k] = a.Get(k).As<Napi::Number>().Int64Value();
  if (rp::active) rp::note(i, {rp::Kind::Vec, 0, 0, v});
  return v;
}

std::string S(const Napi::CallbackInfo& info, size_t i) {
  if (rp::active && rp::playing) return rp::arg(i).s;
  auto v = info[i].As<Napi::String>().Utf8Value();
  if (rp::active) rp::note(i, {rp::Kind::String, 0, 0, {}, v});
  return v;
}

std::vector<at::Tensor> TS(const Napi::CallbackInfo& info, size_t i) {
  if (rp::active && rp::playing) return rp::tensors(i);
  auto a = info[i].As<Napi::Array>();
  std::vector<int32_t> ids(a.Length());
  std::vector<at::Tensor> ts;
  ts.reserve(ids.size());
  for (uint32_t k = 0; k < a.Length(); ++k) {
    ids[k] = a.Get(k).As<Napi::Number>().Int32Value();
    ts.push_back(get(ids[k]));
  }
  if (rp::active) rp::noteTensors(i, ids, rp::Kind::Tensors);
  return ts;
}

namespace {
// Shape buffer shared with JS (an Int32Array the backend hands over once); kept alive by a reference.
// One per JS thread (a Worker has its own backend and buffer); the reference is dropped by the thread's
// environment cleanup, while the environment still exists, never by the thread's exit.
thread_local Napi::Reference<Napi::Int32Array>* shapeRef = nullptr;
thread_local int32_t* shapeBuf = nullptr;
thread_local size_t shapeLen = 0;

void dropShapeBuffer(void*) {
  delete shapeRef;
  shapeRef = nullptr;
  shapeBuf = nullptr;
  shapeLen = 0;
}

size_t writeShape(size_t at, const at::Tensor& t) {
  if (!shapeBuf) return at;
  if (at + 2 + static_cast<size_t>(t.dim()) > shapeLen) throw std::runtime_error("libtorch backend: shape buffer too small");
  shapeBuf[at] = static_cast<int32_t>(dtypeCode(t.scalar_type()));
  shapeBuf[at + 1] = static_cast<int32_t>(t.dim());
  for (int64_t d = 0; d < t.dim(); ++d) shapeBuf[at + 2 + d] = static_cast<int32_t>(t.size(d));
  return at + 2 + t.dim();
}
}  // namespace

void setShapeBuffer(const Napi::CallbackInfo& info) {
  auto a = info[0].As<Napi::Int32Array>();
  if (shapeRef) {
    napi_remove_env_cleanup_hook(info.Env(), dropShapeBuffer, nullptr);
    dropShapeBuffer(nullptr);
  }
  shapeRef = new Napi::Reference<Napi::Int32Array>(Napi::Persistent(a));
  napi_add_env_cleanup_hook(info.Env(), dropShapeBuffer, nullptr);
  shapeBuf = a.Data();
  shapeLen = a.ElementLength();
}

Napi::Value R(const Napi::CallbackInfo& info, at::Tensor t) {
  writeShape(0, t);
  return Napi::Number::New(info.Env(), put(std::move(t)));
}

Napi::Value RN(const Napi::CallbackInfo& info, const std::vector<at::Tensor>& ts) {
  auto a = Napi::Array::New(info.Env(), ts.size());
  size_t at = 0;
  for (size_t k = 0; k < ts.size(); ++k) {
    at = writeShape(at, ts[k]);
    a.Set(uint32_t(k), Napi::Number::New(info.Env(), put(ts[k])));
  }
  return a;
}

at::Tensor OT(const Napi::CallbackInfo& info, size_t i) {
  if (rp::active && rp::playing) return rp::arg(i).refs.empty() ? at::Tensor() : rp::tensor(i);
  int32_t id = info.Length() <= i || !info[i].IsNumber() ? 0 : info[i].As<Napi::Number>().Int32Value();
  if (rp::active) rp::noteTensors(i, id == 0 ? std::vector<int32_t>{} : std::vector<int32_t>{id}, rp::Kind::Tensor);
  return id == 0 ? at::Tensor() : get(id);
}

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

void def(const char* name, Fn fn, Replay how) { registry().push_back({name, std::move(fn), how}); }

const Fn& function(size_t index) { return registry()[index].fn; }
const std::string& functionName(size_t index) { return registry()[index].name; }

void exportAll(Napi::Env env, Napi::Object exports) {
  auto& r = registry();
  for (size_t index = 0; index < r.size(); ++index) {
    Fn f = r[index].fn;
    Replay how = r[index].how;
    const char* name = r[index].name.c_str();
    exports.Set(name, Napi::Function::New(env, [f, how, index](const Napi::CallbackInfo& info) -> Napi::Value {
      try {
        if (rp::active && !rp::playing) return rp::recorded(index, how, f, info);
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
