// The weight matrices a report compares methods' spectra over, and each run's values on
// them. Intruder totals and means are comparable only over one fixed set of matrices:
// Shuttleworth et al. 2024 (reeceshuttle/intruder-dimensions) sum over one module list for
// every model compared, never over whatever each method happened to change. The set is the
// union of the matrices that any compared run changed, projections (`*_proj.weight`) only
// by default. A run that left a matrix of the set unchanged has W_tuned = W_base there:
// it counts 0 intruders, effective rank 0 for ΔW = 0, and the base matrix's α.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "harness/store/store.h"

namespace tb {

enum class SpectralMatrices {
  kProjections,  // q/k/v/o/gate/up/down_proj: what LoRA-style methods target (the default)
  kAllChanged,   // every matrix any compared run changed (embeddings and lm_head included)
};

// "projections" | "all"; UserError otherwise.
SpectralMatrices spectral_matrices_from(const std::string& name);

struct ComparedSpectra {
  SpectralMatrices which = SpectralMatrices::kProjections;
  std::vector<std::string> matrices;  // the set, in order of first appearance
  std::vector<std::string> variants;  // variants with spectra, in order of first appearance
  // variant -> run key -> matrix -> metric -> value, for every matrix of the set and the
  // metrics "intruders", "update_erank" and "alpha" ("alpha" absent when no run stored it)
  std::map<std::string, std::map<std::string, std::map<std::string, std::map<std::string, double>>>> runs;

  // "the 14 projection matrices any compared run changed"
  std::string description() const;
};

// Runs without any stored spectrum (spectral analysis off, or failed) are left out.
ComparedSpectra compare_spectra(const std::vector<RunSpectrumValue>& values,
                                SpectralMatrices which = SpectralMatrices::kProjections);

}  // namespace tb
