// Native plans: a kernel sequence recorded once from JS and run again in one N-API call (inference plans, and
// training steps: forward, gradients and the fused Adam).
//
// recordBegin(inputId) starts a recording: every kernel called until recordEnd([outputIds]) is noted with the
// arguments it read through the helpers of core.cc (tensors as slots: the input, an earlier kernel's result, or a
// constant captured by reference: a tensor that existed before, or one written from JS values during the
// recording). Functions marked Replay::Barrier (reading values back to JS, in-place updates, collectives) make the
// recording unsupported: recordEnd then returns the reason instead of a plan, and the caller keeps its op-by-op path.
// replay(plan, inputId[, params]) runs the noted kernels (the same C++ functions, with the noted arguments) on ATen
// tensors, freeing each intermediate after its last reader, and returns the output ids (shapes in the shape buffer,
// as RN). A plan holds one input shape and dtype; replaying another is an error (the caller records per shape).
// Training steps need three more things: kernels that write into their arguments (Replay::InPlace, the fused Adam:
// they write into the plan's constants, which are the variables' own tensors); parameters (P, a learning rate that a
// schedule changes per step: `params` replaces the recorded values); and write-backs (recordEnd's second argument,
// pairs [variable id, result id]: a value the step computes anew, such as batch norm's moving statistics, is copied
// into the variable's tensor after each replay, and once at recordEnd, so the variable keeps its tensor).
#include "replay.h"
#include <memory>
#include <unordered_map>

namespace ltb::rp {

// Recording and replay state, like the tensor store (core.cc), belong to the calling JS thread.
thread_local bool active = false;
thread_local bool playing = false;

namespace {

struct Step {
  size_t fn;
  std::vector<Arg> args;
  std::vector<int32_t> outSlots;
  std::vector<int32_t> frees;  // slots whose last reader this step is
};

struct Plan {
  std::vector<Step> steps;
  std::vector<at::Tensor> consts;
  int32_t slots = 1;
  std::vector<int32_t> outputs;  // refs
  std::vector<std::pair<int32_t, int32_t>> writeBack;  // (constant index, ref): consts[c].copy_(ref) after each run
  int32_t params = 0;
  bool writes = false;  // InPlace steps or write-backs: it changes tensors that exist outside the plan
  std::vector<int64_t> inputSizes;
  at::ScalarType inputType;
};

struct Recorder {
  Plan plan;
  std::unordered_map<int32_t, int32_t> slotOf, constOf;  // native id -> slot / constant index
  Step cur;
  bool inCall = false;
  std::string failed;

  int32_t resolve(int32_t id) {
    if (auto s = slotOf.find(id); s != slotOf.end()) return s->second;
    if (auto c = constOf.find(id); c != constOf.end()) return -c->second - 1;
    int32_t k = static_cast<int32_t>(plan.consts.size());
    plan.consts.push_back(get(id));
    constOf[id] = k;
    return -k - 1;
  }
};

struct Player {
  const Plan* plan = nullptr;
  const Step* step = nullptr;
  std::vector<at::Tensor> values;
  std::vector<at::Tensor> results;
  std::vector<double> params;

  const at::Tensor& ref(int32_t r) const { return r >= 0 ? values[r] : plan->consts[-r - 1]; }
};

thread_local std::unique_ptr<Recorder> rec;
thread_local Player player;
thread_local std::unordered_map<int32_t, std::unique_ptr<Plan>> plans;
thread_local int32_t nextPlan = 1;

// Resets the flags whatever way a replay ends (a kernel may throw).
struct Playing {
  Playing() { active = playing = true; }
  ~Playing() {
    active = playing = false;
    player.values.clear();
    player.results.clear();
    player.params.clear();
  }
};

void stopRecording() {
  rec.reset();
  active = false;
}

Plan& planOf(const Napi::CallbackInfo& info) {
  auto p = plans.find(info[0].As<Napi::Number>().Int32Value());
  if (p == plans.end()) throw std::runtime_error("replay: unknown or freed plan");
  return *p->second;
}

// Which slots each step is the last reader of (outputs are never freed; an unread result goes right away).
void planFrees(Plan& p) {
  std::vector<int32_t> last(p.slots, -1);
  for (size_t k = 0; k < p.steps.size(); ++k) {
    for (auto s : p.steps[k].outSlots) last[s] = static_cast<int32_t>(k);
    for (auto& a : p.steps[k].args)
      for (auto r : a.refs)
        if (r >= 0) last[r] = static_cast<int32_t>(k);
  }
  for (auto r : p.outputs)
    if (r >= 0) last[r] = -1;
  for (auto& [c, r] : p.writeBack)
    if (r >= 0) last[r] = -1;
  for (int32_t s = 0; s < p.slots; ++s)
    if (last[s] >= 0) p.steps[last[s]].frees.push_back(s);
}

int reg() {
  // recordBegin(inputId): notes the kernels called from now on (see above).
  def("recordBegin", [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (active) throw std::runtime_error("replay: a recording or replay is already under way");
    int32_t id = info[0].As<Napi::Number>().Int32Value();
    const auto& x = get(id);
    rec = std::make_unique<Recorder>();
    rec->slotOf[id] = 0;
    rec->plan.inputSizes = x.sizes().vec();
    rec->plan.inputType = x.scalar_type();
    active = true;
    return info.Env().Undefined();
  }, Replay::Ignored);
  // recordAbort(): drops the recording (the recorded forward threw).
  def("recordAbort", [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (rec) stopRecording();
    return info.Env().Undefined();
  }, Replay::Ignored);
  // recordEnd([outputIds][, [variableId, resultId, ...]]) -> plan handle (> 0), or the reason (a string) when the
  // recording is unsupported. Each write-back pair's result is copied into the variable's tensor now and after each replay.
  def("recordEnd", [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (!rec) throw std::runtime_error("replay: recordEnd without recordBegin");
    auto r = std::move(rec);
    stopRecording();
    if (!r->failed.empty()) return Napi::String::New(info.Env(), r->failed + " cannot be replayed");
    auto a = info[0].As<Napi::Array>();
    for (uint32_t k = 0; k < a.Length(); ++k) r->plan.outputs.push_back(r->resolve(a.Get(k).As<Napi::Number>().Int32Value()));
    if (info.Length() > 1 && info[1].IsArray()) {
      auto w = info[1].As<Napi::Array>();
      if (w.Length() % 2 != 0) throw std::runtime_error("replay: write-backs come in pairs");
      for (uint32_t k = 0; k < w.Length(); k += 2) {
        int32_t dst = w.Get(k).As<Napi::Number>().Int32Value(), src = w.Get(k + 1).As<Napi::Number>().Int32Value();
        if (r->slotOf.count(dst)) return Napi::String::New(info.Env(), "a write-back into a tensor the step computed cannot be replayed");
        int32_t c = -r->resolve(dst) - 1;
        const auto& target = r->plan.consts[c];
        const auto& value = get(src);
        if (target.sizes() != value.sizes() || target.scalar_type() != value.scalar_type() || !target.is_contiguous()) {
          return Napi::String::New(info.Env(), "a write-back of another shape, dtype or layout cannot be replayed");
        }
        target.copy_(value);
        r->plan.writeBack.emplace_back(c, r->resolve(src));
      }
      if (w.Length() > 0) noteInPlaceWrite();
    }
    r->plan.writes = r->plan.writes || !r->plan.writeBack.empty();
    planFrees(r->plan);
    int32_t h = nextPlan++;
    plans[h] = std::make_unique<Plan>(std::move(r->plan));
    return Napi::Number::New(info.Env(), h);
  }, Replay::Ignored);
  // replay(plan, inputId[, params]) -> [output ids]; params: numbers replacing the recorded parameters (P), in order
  def("replay", [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (active) throw std::runtime_error("replay: a recording or replay is already under way");
    const Plan& p = planOf(info);
    const auto& x = get(info[1].As<Napi::Number>().Int32Value());
    if (x.sizes().vec() != p.inputSizes || x.scalar_type() != p.inputType)
      throw std::runtime_error("replay: the input's shape or dtype differs from the recorded one");
    std::vector<at::Tensor> outs;
    {
      Playing on;
      player.plan = &p;
      player.values.assign(p.slots, at::Tensor());
      player.values[0] = x;
      if (info.Length() > 2 && info[2].IsArray()) {
        auto a = info[2].As<Napi::Array>();
        for (uint32_t k = 0; k < a.Length(); ++k) player.params.push_back(a.Get(k).As<Napi::Number>().DoubleValue());
      }
      for (const auto& s : p.steps) {
        player.step = &s;
        player.results.clear();
        function(s.fn)(info);
        if (player.results.size() != s.outSlots.size()) throw std::runtime_error("replay: " + functionName(s.fn) + " returned another number of results than recorded");
        for (size_t j = 0; j < s.outSlots.size(); ++j) player.values[s.outSlots[j]] = std::move(player.results[j]);
        for (auto f : s.frees) player.values[f].reset();
      }
      for (auto& [c, r] : p.writeBack) p.consts[c].copy_(player.ref(r));
      if (!p.writeBack.empty()) noteInPlaceWrite();
      for (auto r : p.outputs) outs.push_back(player.ref(r));
    }
    return RN(info, outs);
  }, Replay::Ignored);
  // planWrites(plan) -> whether a run changes tensors outside the plan (in-place kernels, write-backs)
  def("planWrites", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Boolean::New(info.Env(), planOf(info).writes);
  }, Replay::Ignored);
  // freePlan(plan): releases the plan and the constants it holds.
  def("freePlan", [](const Napi::CallbackInfo& info) -> Napi::Value {
    plans.erase(info[0].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  }, Replay::Ignored);
  // planKernels(plan) -> the recorded kernels' names, in order (tests, profiles).
  def("planKernels", [](const Napi::CallbackInfo& info) -> Napi::Value {
    const Plan& p = planOf(info);
    auto a = Napi::Array::New(info.Env(), p.steps.size());
    for (size_t k = 0; k < p.steps.size(); ++k) a.Set(uint32_t(k), Napi::String::New(info.Env(), functionName(p.steps[k].fn)));
    return a;
  }, Replay::Ignored);
  return 0;
}
int registered = reg();

}  // namespace

const Arg& arg(size_t i) {
  const auto& a = player.step->args;
  if (i >= a.size() || a[i].kind == Kind::None) throw std::runtime_error("replay: " + functionName(player.step->fn) + " read an argument it did not read when recorded");
  return a[i];
}

const at::Tensor& tensor(size_t i) { return player.ref(arg(i).refs.at(0)); }

std::vector<at::Tensor> tensors(size_t i) {
  std::vector<at::Tensor> ts;
  for (auto r : arg(i).refs) ts.push_back(player.ref(r));
  return ts;
}

double param(size_t i) {
  const auto& a = arg(i);
  if (a.kind != Kind::Param) throw std::runtime_error("replay: " + functionName(player.step->fn) + " read a parameter recorded as another kind");
  return static_cast<size_t>(a.i) < player.params.size() ? player.params[a.i] : a.d;
}

void replaceTensor(size_t i, size_t k, at::Tensor t) {
  int32_t r = arg(i).refs.at(k);
  if (r < 0) throw std::runtime_error("replay: " + functionName(player.step->fn) + " would replace a constant");
  player.values[r] = std::move(t);
}

bool take(const at::Tensor& t) {
  if (!playing) return false;
  player.results.push_back(t);
  return true;
}

void note(size_t i, Arg a) {
  if (!rec || !rec->inCall) return;
  auto& args = rec->cur.args;
  if (args.size() <= i) args.resize(i + 1);
  args[i] = std::move(a);
}

void noteTensors(size_t i, const std::vector<int32_t>& ids, Kind kind) {
  if (!rec || !rec->inCall) return;
  Arg a;
  a.kind = kind;
  for (auto id : ids) a.refs.push_back(rec->resolve(id));
  note(i, std::move(a));
}

void notePut(int32_t id) {
  if (!rec || !rec->inCall) return;
  int32_t s = rec->plan.slots++;
  rec->slotOf[id] = s;
  rec->cur.outSlots.push_back(s);
}

void noteParam(size_t i, double v) {
  if (!rec || !rec->inCall) return;
  Arg a;
  a.kind = Kind::Param;
  a.i = rec->plan.params++;
  a.d = v;
  note(i, std::move(a));
}

bool isSlot(int32_t id) { return rec && rec->slotOf.count(id) > 0; }

void fail(const std::string& why) {
  if (rec && rec->failed.empty()) rec->failed = why;
}

void noteRelease(int32_t id) {
  if (!rec) return;
  rec->slotOf.erase(id);
  rec->constOf.erase(id);
}

Napi::Value recorded(size_t index, Replay how, const Fn& f, const Napi::CallbackInfo& info) {
  if (how == Replay::Barrier && rec->failed.empty()) rec->failed = functionName(index);
  if (how != Replay::Kernel && how != Replay::InPlace) return f(info);
  rec->cur = Step{index, {}, {}, {}};
  rec->inCall = true;
  Napi::Value r;
  try {
    r = f(info);
  } catch (...) {
    if (rec) rec->inCall = false;
    throw;
  }
  // recordEnd cannot run inside a kernel, so rec is still there
  rec->inCall = false;
  if (how == Replay::InPlace) rec->plan.writes = true;
  if (!rec->cur.outSlots.empty() || how == Replay::InPlace) rec->plan.steps.push_back(std::move(rec->cur));
  return r;
}

}  // namespace ltb::rp
