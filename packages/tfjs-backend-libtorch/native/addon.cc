// Module entry: data movement (write/read/free), introspection and threads. Kernels live in
// the other native/*.cc files, one per family, each registering itself through ltb::def.
#include <ATen/Parallel.h>
#include <malloc.h>
#include <cstdlib>
#include <cstring>
#include "core.h"

using namespace ltb;

namespace {

size_t elemSize(at::ScalarType t) { return t == at::kBool ? 1 : 4; }

int registerData() {
  // write(typedArray, shape, dtypeCode) -> id: copies the values into a new tensor.
  def("write", [](const Napi::CallbackInfo& info) {
    auto arr = info[0].As<Napi::TypedArray>();
    auto shape = V(info, 1);
    auto st = scalarType(I(info, 2));
    auto t = at::empty(shape, at::TensorOptions().dtype(st));
    size_t n = static_cast<size_t>(t.numel()) * elemSize(st);
    if (arr.ByteLength() < n) throw std::runtime_error("write: values shorter than shape");
    if (n) std::memcpy(t.data_ptr(), static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset(), n);
    return R(info, t);
  }, Replay::Source);
  // read(id) -> typed array copy of the values in logical (row-major) order.
  def("read", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto t = T(info, 0).contiguous();
    size_t n = static_cast<size_t>(t.numel());
    auto env = info.Env();
    switch (t.scalar_type()) {
      case at::kFloat: {
        auto out = Napi::Float32Array::New(env, n);
        if (n) std::memcpy(out.Data(), t.data_ptr(), n * 4);
        return out;
      }
      case at::kInt: {
        auto out = Napi::Int32Array::New(env, n);
        if (n) std::memcpy(out.Data(), t.data_ptr(), n * 4);
        return out;
      }
      case at::kBool: {
        auto out = Napi::Uint8Array::New(env, n);
        if (n) std::memcpy(out.Data(), t.data_ptr(), n);
        return out;
      }
      default: throw std::runtime_error("read: unsupported dtype");
    }
  }, Replay::Barrier);
  def("free", [](const Napi::CallbackInfo& info) -> Napi::Value {
    release(info[0].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  });
  // setShapeBuffer(int32Array): where results' dtype, rank and sizes are written (see core.h R/RN).
  def("setShapeBuffer", [](const Napi::CallbackInfo& info) -> Napi::Value {
    setShapeBuffer(info);
    return info.Env().Undefined();
  });
  def("count", [](const Napi::CallbackInfo& info) -> Napi::Value { return Napi::Number::New(info.Env(), double(count())); });
  def("setThreads", [](const Napi::CallbackInfo& info) -> Napi::Value {
    at::set_num_threads(static_cast<int>(I(info, 0)));
    return info.Env().Undefined();
  });
  def("getThreads", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), at::get_num_threads());
  });
  def("config", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::String::New(info.Env(), at::show_config());
  });
  return 0;
}
int registered = registerData();

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // glibc gives every thread that allocates its own malloc arena (64 MB reserved, partly resident);
  // libtorch's worker threads add several. Two arenas measured ~20 MB less peak memory in training
  // at equal speed (docs/engine.md). MALLOC_ARENA_MAX in the environment takes precedence.
  if (!std::getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 2);
  // Training frees and allocates the same large tensors at every step. Above glibc's mmap threshold each
  // allocation is a fresh mapping (and a heap top past the trim threshold is given back), so every step
  // page-faults tens of MB in again: about a third of a video training step (25 MB activations,
  // docs/video.md) and the MNIST attention block's step 37 ms instead of 25 (docs/mama.md). Keep large
  // blocks in the heap. MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ in the environment take precedence.
  if (!std::getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, 512 << 20);
  if (!std::getenv("MALLOC_TRIM_THRESHOLD_")) mallopt(M_TRIM_THRESHOLD, 1 << 30);
  // tfjs computes its own gradients, so ATen's autograd never has anything to record: inference mode
  // (thread-local; every call of this environment comes on the thread that loads it) skips autograd and
  // version-counter dispatch in every ATen op.
  if (!std::getenv("LTB_AUTOGRAD_DISPATCH")) new c10::InferenceMode(true);
  exportAll(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(torch_addon, Init)
