#include "methods/registry.h"

#include "methods/bitfit.h"
#include "methods/dora.h"
#include "methods/eva.h"
#include "methods/full_ft.h"
#include "methods/hft.h"
#include "methods/ia3.h"
#include "methods/lift.h"
#include "methods/lines.h"
#include "methods/lora.h"
#include "methods/mezo.h"
#include "methods/pissa.h"
#include "methods/prompt_tuning.h"
#include "methods/sparse.h"
#include "methods/soup.h"
#include "methods/ssf.h"
#include "methods/task_arithmetic.h"

namespace tb {

const std::vector<MethodInfo>& all_methods() {
  static const std::vector<MethodInfo> methods = {
      full_ft_info(), lora_info(),   dora_info(),          pissa_info(), eva_info(),    ia3_info(),
      ssf_info(),     bitfit_info(), prompt_tuning_info(), hft_info(),   sparse_info(), lift_info(),
      mezo_info(),    lines_info(),  soup_info(),          task_arithmetic_info(),
  };
  return methods;
}

const MethodInfo* find_method(const std::string& name) {
  for (const auto& m : all_methods()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string method_names() {
  std::string out;
  for (const auto& m : all_methods()) out += (out.empty() ? "" : ", ") + m.name;
  return out;
}

}  // namespace tb
