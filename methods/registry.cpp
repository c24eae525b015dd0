#include "methods/registry.h"

#include "methods/bitfit.h"
#include "methods/dora.h"
#include "methods/dpo.h"
#include "methods/grpo.h"
#include "methods/eva.h"
#include "methods/full_ft.h"
#include "methods/hft.h"
#include "methods/ia3.h"
#include "methods/lift.h"
#include "methods/lines.h"
#include "methods/lora.h"
#include "methods/longlora.h"
#include "methods/o_lora.h"
#include "methods/mezo.h"
#include "methods/pissa.h"
#include "methods/prompt_tuning.h"
#include "methods/rft.h"
#include "methods/sparse.h"
#include "methods/soup.h"
#include "methods/ssf.h"
#include "methods/task_arithmetic.h"

namespace tb {
namespace {

MethodInfo with_budget_knob(MethodInfo info, const char* knob) {
  info.budget_knob = knob;
  return info;
}

}  // namespace

const std::vector<MethodInfo>& all_methods() {
  static const std::vector<MethodInfo> methods = {
      full_ft_info(),
      with_budget_knob(lora_info(), "rank"),
      with_budget_knob(dora_info(), "rank"),
      with_budget_knob(pissa_info(), "rank"),
      with_budget_knob(o_lora_info(), "rank"),
      with_budget_knob(longlora_info(), "rank"),
      eva_info(),  // no budget: its count depends on the base model's activations (cached or not)
      ia3_info(),
      ssf_info(),
      bitfit_info(),
      prompt_tuning_info(),
      hft_info(),
      with_budget_knob(sparse_info(), "density"),
      with_budget_knob(lift_info(), "rank"),
      mezo_info(),
      grpo_info(),
      dpo_info(),
      rft_info(),
      lines_info(),
      soup_info(),
      task_arithmetic_info(),
  };
  return methods;
}

const MethodInfo* find_method(const std::string& name) {
  for (const auto& m : all_methods()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string budget_method_names() {
  std::string out;
  for (const auto& m : all_methods()) {
    if (m.budget_knob != nullptr) out += (out.empty() ? "" : ", ") + m.name + " (" + m.budget_knob + ")";
  }
  return out;
}

std::string method_names() {
  std::string out;
  for (const auto& m : all_methods()) out += (out.empty() ? "" : ", ") + m.name;
  return out;
}

}  // namespace tb
