// Collectives across processes on PyTorch's own c10d engine (ProcessGroupGloo over TCP), the one
// DistributedDataParallel uses. The store layout mirrors torch.distributed.init_process_group
// (env:// rendezvous): a TCPStore (rank 0 serves it, or torchelastic's agent does), "default_pg" and
// the group name "0" as prefixes, and the store-based barrier after creation, so a PyTorch rank can
// join the same group. Collectives work in place on tensors of the backend's store, with a timeout.
// Built only where Gloo's headers are installed (Debian: libgloo-dev); otherwise every function
// explains what is missing.
#if __has_include(<gloo/context.h>)
#define USE_C10D_GLOO 1
#endif
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include "core.h"
#include "replay.h"
#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

using namespace ltb;

namespace {

#ifdef USE_C10D_GLOO

struct Group {
  c10::intrusive_ptr<c10d::Store> store;  // "default_pg"-prefixed store (Python's default_pg store)
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  int rank, size;
};

std::map<int32_t, Group>& groups() {
  static std::map<int32_t, Group> g;
  return g;
}
int32_t nextHandle = 1;

Group& group(const Napi::CallbackInfo& info) {
  auto it = groups().find(static_cast<int32_t>(I(info, 0)));
  if (it == groups().end()) throw std::runtime_error("distributed: the process group is closed");
  return it->second;
}

std::chrono::milliseconds ms(double v) { return std::chrono::milliseconds(static_cast<int64_t>(v)); }

std::vector<uint8_t> bytes(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }
std::string text(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

// The slot's tensor made safe to write in place (core.cc writable). Collectives need float32 or int32.
at::Tensor& owned(int32_t id) {
  const auto type = get(id).scalar_type();
  if (type != at::kFloat && type != at::kInt) throw std::runtime_error("distributed: tensors must be float32 or int32");
  noteInPlaceWrite();
  return writable(id);
}

std::vector<int32_t> ids(const Napi::CallbackInfo& info, size_t i) {
  auto a = info[i].As<Napi::Array>();
  std::vector<int32_t> out(a.Length());
  for (uint32_t k = 0; k < a.Length(); ++k) out[k] = a.Get(k).As<Napi::Number>().Int32Value();
  return out;
}

void waitAll(std::vector<c10::intrusive_ptr<c10d::Work>>& works, std::chrono::milliseconds timeout) {
  for (auto& w : works) w->wait(timeout);
}

std::vector<at::Tensor> owned(const std::vector<int32_t>& list) {
  std::vector<at::Tensor> ts;
  for (auto id : list) ts.push_back(owned(id));
  return ts;
}

// Runs a collective over consecutive tensors packed into flat buckets of at most `cap` bytes (one message
// each, as DDP's buckets); all buckets are in flight before the first wait, then results are unpacked.
// Packing and unpacking run on this thread: the backend's tensors are inference tensors, which Gloo's
// threads may not update through ATen ops (a lone tensor is used as it is, through its data pointer).
template <typename Launch>
void bucketed(std::vector<at::Tensor>& ts, int64_t cap, std::chrono::milliseconds timeout, Launch launch) {
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  std::vector<std::vector<at::Tensor>> flats;  // one tensor per bucket, kept alive until the waits
  std::vector<std::pair<size_t, size_t>> ranges;
  flats.reserve(ts.size());
  size_t k = 0;
  while (k < ts.size()) {
    int64_t bytes = ts[k].nbytes();
    size_t j = k + 1;
    while (j < ts.size() && ts[j].scalar_type() == ts[k].scalar_type() && bytes + int64_t(ts[j].nbytes()) <= cap) bytes += ts[j++].nbytes();
    if (j - k == 1) {
      flats.push_back({ts[k]});
    } else {
      std::vector<at::Tensor> parts;
      for (size_t q = k; q < j; ++q) parts.push_back(ts[q].reshape({-1}));
      flats.push_back({at::cat(parts)});
    }
    ranges.emplace_back(k, j);
    works.push_back(launch(flats.back()));
    k = j;
  }
  waitAll(works, timeout);
  for (size_t b = 0; b < ranges.size(); ++b) {
    auto [from, to] = ranges[b];
    if (to - from == 1) continue;
    int64_t at = 0;
    for (size_t q = from; q < to; ++q) {
      const int64_t n = ts[q].numel();
      ts[q].view({-1}).copy_(flats[b][0].narrow(0, at, n));
      at += n;
    }
  }
}

int reg() {
  // distInit(storeKind 'tcp'|'file', hostOrPath, port, rank, worldSize, timeoutMs, isServer, storePrefix,
  //          checkWorldSize) -> handle
  def("distInit", [](const Napi::CallbackInfo& info) -> Napi::Value {
    const std::string kind = info[0].As<Napi::String>().Utf8Value();
    const std::string where = info[1].As<Napi::String>().Utf8Value();
    const int port = static_cast<int>(I(info, 2));
    const int rank = static_cast<int>(I(info, 3)), size = static_cast<int>(I(info, 4));
    const auto timeout = ms(D(info, 5));
    const bool isServer = B(info, 6);
    const std::string prefix = info[7].As<Napi::String>().Utf8Value();
    if (size < 1 || rank < 0 || rank >= size) throw std::runtime_error("distributed: rank " + std::to_string(rank) + " is outside a world of size " + std::to_string(size));
    c10::intrusive_ptr<c10d::Store> root;
    if (kind == "tcp") {
      if (port < 1 || port > 65535) throw std::runtime_error("distributed: master port must be 1..65535, got " + std::to_string(port));
      c10d::TCPStoreOptions o;
      o.port = static_cast<uint16_t>(port);
      o.isServer = isServer;
      o.numWorkers = size;
      o.waitWorkers = false;  // the barrier below waits, as torch.distributed does
      o.timeout = timeout;
      o.multiTenant = true;
      root = c10::make_intrusive<c10d::TCPStore>(where, o);
    } else if (kind == "file") {
      root = c10::make_intrusive<c10d::FileStore>(where, size);
    } else {
      throw std::runtime_error("distributed: unknown store kind " + kind);
    }
    root->setTimeout(timeout);
    if (!prefix.empty()) root = c10::make_intrusive<c10d::PrefixStore>(prefix, root);
    // memae's own checks, under a prefix PyTorch never uses: a rank started twice, a world size that
    // differs from rank 0's.
    auto own = c10::make_intrusive<c10d::PrefixStore>("memae", root);
    if (own->add("rank/" + std::to_string(rank), 1) > 1) throw std::runtime_error("distributed: rank " + std::to_string(rank) + " was started twice");
    if (rank == 0) {
      own->set("world_size", bytes(std::to_string(size)));
    } else if (B(info, 8)) {
      own->wait({"world_size"}, timeout);
      const std::string ws = text(own->get("world_size"));
      if (ws != std::to_string(size)) throw std::runtime_error("distributed: WORLD_SIZE is " + std::to_string(size) + " on rank " + std::to_string(rank) + " but " + ws + " on rank 0");
    }
    auto store = c10::make_intrusive<c10d::PrefixStore>("default_pg", root);
    auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
    const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
    opts->devices.push_back(ifname && *ifname ? c10d::ProcessGroupGloo::createDeviceForInterface(ifname) : c10d::ProcessGroupGloo::createDefaultDevice());
    opts->threads = 2;
    auto pg = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("0", store), rank, size, opts);
    // torch.distributed's store-based barrier (key "store_based_barrier_key:1" after the first group).
    const std::string key = "store_based_barrier_key:1";
    store->add(key, 1);
    const auto start = std::chrono::steady_clock::now();
    while (store->add(key, 0) < size) {
      if (std::chrono::steady_clock::now() - start > timeout) throw std::runtime_error("distributed: timed out waiting for all " + std::to_string(size) + " ranks to join");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pg->setSequenceNumberForGroup();  // as init_process_group does: rank 0 draws it, the others read it
    int32_t h = nextHandle++;
    groups().emplace(h, Group{store, pg, rank, size});
    return Napi::Number::New(info.Env(), h);
  }, Replay::Barrier);

  // distAllreduce(handle, ids[], op 0 sum | 1 avg, bucketBytes, timeoutMs): in place (see bucketed). A recorded
  // training step replays it (Replay::InPlace: every rank runs the same collectives, replayed or not).
  def("distAllreduce", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto& g = group(info);
    if (!rp::playing) owned(ids(info, 1));
    auto ts = TS(info, 1);
    // replaying: what `owned` copied when recorded is copied again (a result in another layout, or sharing storage)
    if (rp::playing)
      for (size_t k = 0; k < ts.size(); ++k)
        if (!ts[k].is_contiguous() || ts[k].storage().use_count() != 1) {
          ts[k] = ts[k].clone(at::MemoryFormat::Contiguous);
          rp::replaceTensor(1, k, ts[k]);
        }
    noteInPlaceWrite();
    const int op = static_cast<int>(I(info, 2));
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp::SUM;
    o.timeout = ms(D(info, 4));
    bucketed(ts, I(info, 3), o.timeout, [&](std::vector<at::Tensor>& b) { return g.pg->allreduce(b, o); });
    if (op == 1) for (auto& t : ts) t.div_(g.size);
    return info.Env().Undefined();
  }, Replay::InPlace);

  // distBroadcast(handle, ids[], root, bucketBytes, timeoutMs): in place, root's values to every rank
  // (coalesced into flat buckets, as DDP's buffer broadcast).
  def("distBroadcast", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto& g = group(info);
    auto ts = owned(ids(info, 1));
    c10d::BroadcastOptions o;
    o.rootRank = I(info, 2);
    o.timeout = ms(D(info, 4));
    bucketed(ts, I(info, 3), o.timeout, [&](std::vector<at::Tensor>& b) { return g.pg->broadcast(b, o); });
    return info.Env().Undefined();
  }, Replay::Barrier);

  def("distBarrier", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto& g = group(info);
    c10d::BarrierOptions o;
    o.timeout = ms(D(info, 1));
    g.pg->barrier(o)->wait(o.timeout);
    return info.Env().Undefined();
  }, Replay::Barrier);

  // distStoreSet(handle, key, value) / distStoreGet(handle, key, timeoutMs): small strings between ranks.
  def("distStoreSet", [](const Napi::CallbackInfo& info) -> Napi::Value {
    group(info).store->set("memae/" + info[1].As<Napi::String>().Utf8Value(), bytes(info[2].As<Napi::String>().Utf8Value()));
    return info.Env().Undefined();
  }, Replay::Barrier);
  def("distStoreGet", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto& g = group(info);
    const std::string key = "memae/" + info[1].As<Napi::String>().Utf8Value();
    g.store->wait({key}, ms(D(info, 2)));
    return Napi::String::New(info.Env(), text(g.store->get(key)));
  }, Replay::Barrier);

  def("distDestroy", [](const Napi::CallbackInfo& info) -> Napi::Value {
    groups().erase(static_cast<int32_t>(I(info, 0)));
    return info.Env().Undefined();
  }, Replay::Barrier);
  def("distAvailable", [](const Napi::CallbackInfo& info) -> Napi::Value { return Napi::Boolean::New(info.Env(), true); });
  return 0;
}

#else

int reg() {
  def("distAvailable", [](const Napi::CallbackInfo& info) -> Napi::Value { return Napi::Boolean::New(info.Env(), false); });
  return 0;
}

#endif

int registered = reg();

}  // namespace
