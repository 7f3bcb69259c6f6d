// Recording and replay of kernel sequences (replay.cc): the hooks the argument helpers and the tensor store of
// core.cc call. Nothing here runs unless a recording or a replay is under way (`active`).
#pragma once
#include "core.h"

namespace ltb::rp {

enum class Kind : uint8_t { None, Tensor, Tensors, Int, Double, Param, Bool, Vec, String };

// One argument of a recorded call, by position. Tensors are refs: >= 0 a value slot of the plan (slot 0 the
// plan's input, the others kernel results), < 0 the constant -ref - 1 (a tensor that existed before recording).
// A Param is a double whose value `replay` may replace: i is its index among the plan's parameters, d the recorded value.
struct Arg {
  Kind kind = Kind::None;
  int64_t i = 0;
  double d = 0;
  std::vector<int64_t> v;
  std::string s;
  std::vector<int32_t> refs;
};

extern thread_local bool active;   // recording or playing
extern thread_local bool playing;  // a plan is running: helpers read recorded arguments, results are taken, not stored

// while playing
const Arg& arg(size_t i);
const at::Tensor& tensor(size_t i);
std::vector<at::Tensor> tensors(size_t i);
bool take(const at::Tensor& t);
double param(size_t i);
// an in-place kernel that had to copy its argument i's k-th tensor (a result of the plan) continues on the copy
void replaceTensor(size_t i, size_t k, at::Tensor t);

// while recording
void note(size_t i, Arg a);
void noteTensors(size_t i, const std::vector<int32_t>& ids, Kind kind);
void notePut(int32_t id);
void noteRelease(int32_t id);
void noteParam(size_t i, double v);
// whether id is a result of the recording so far (a slot), not a tensor the plan would hold as a constant
bool isSlot(int32_t id);
// the recording cannot be replayed faithfully (e.g. an in-place kernel had to copy a tensor the plan already holds)
void fail(const std::string& why);
Napi::Value recorded(size_t index, Replay how, const Fn& f, const Napi::CallbackInfo& info);

}  // namespace ltb::rp
