#include "harness/report/compared_spectra.h"

#include <algorithm>

#include "harness/common/check.h"

namespace tb {
namespace {

bool is_projection(const std::string& matrix) { return matrix.find("_proj.") != std::string::npos; }

template <typename T>
void append_once(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

// The stored metric of an unchanged matrix: W_tuned = W_base, so no intruder, ΔW = 0 has
// effective rank 0, and α is the base matrix's (stored as `base_alpha` by any run that
// changed it; the runs of one report share their base model).
std::map<std::string, double> unchanged_values(const std::map<std::string, double>& base_alpha,
                                               const std::string& matrix) {
  std::map<std::string, double> out{{"intruders", 0.0}, {"update_erank", 0.0}};
  const auto it = base_alpha.find(matrix);
  if (it != base_alpha.end()) out["alpha"] = it->second;
  return out;
}

}  // namespace

SpectralMatrices spectral_matrices_from(const std::string& name) {
  if (name == "projections") return SpectralMatrices::kProjections;
  if (name == "all") return SpectralMatrices::kAllChanged;
  throw UserError("--spectral-matrices \"" + name + "\": expected \"projections\" or \"all\"");
}

std::string ComparedSpectra::description() const {
  const std::string count = std::to_string(matrices.size());
  return which == SpectralMatrices::kProjections
             ? "the " + count + " projection matrices any compared run changed"
             : "the " + count + " matrices any compared run changed";
}

ComparedSpectra compare_spectra(const std::vector<RunSpectrumValue>& values, SpectralMatrices which) {
  ComparedSpectra out;
  out.which = which;
  std::map<std::string, double> base_alpha;  // matrix -> α of the base weights
  std::map<std::string, std::vector<std::string>> runs_of;  // variant -> run keys
  for (const RunSpectrumValue& v : values) {
    append_once(out.variants, v.variant);
    append_once(runs_of[v.variant], v.run_key);
    if (which == SpectralMatrices::kProjections && !is_projection(v.matrix)) continue;
    append_once(out.matrices, v.matrix);
    if (v.metric == "base_alpha") base_alpha.emplace(v.matrix, v.value);
    if (v.metric == "intruders" || v.metric == "update_erank" || v.metric == "alpha")
      out.runs[v.variant][v.run_key][v.matrix][v.metric] = v.value;
  }
  for (const auto& [variant, keys] : runs_of) {
    for (const auto& key : keys) {
      auto& matrices = out.runs[variant][key];
      for (const auto& m : out.matrices) {
        if (!matrices.count(m)) matrices[m] = unchanged_values(base_alpha, m);
      }
    }
  }
  return out;
}

}  // namespace tb
