// Spectral analysis of tuned weights against the base weights they started from:
// intruder dimensions, effective and stable rank, spectral norms, the power-law exponent of
// the eigenvalue spectrum, and the subspace similarity of two runs' updates. Definitions
// and sources are in spectral.cpp.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tb {

struct SpectralOptions {
  int64_t intruder_k = 10;        // top singular vectors of W examined for intruders
  double intruder_epsilon = 0.5;  // an intruder's best |cosine| with W0's vectors is below this
};

struct PowerLawFit {
  double alpha = NAN, xmin = NAN, ks_distance = NAN, sigma = NAN;
  int64_t tail_size = 0;  // eigenvalues >= xmin
};

// Roy & Vetterli's effective rank exp(H(σ/Σσ)) of singular values (ignoring those <= tol).
double effective_rank(const torch::Tensor& singular_values, double tol = 0);
// Σσ² / σ_max².
double stable_rank(const torch::Tensor& singular_values);
// Number of singular values above tol.
int64_t numerical_rank(const torch::Tensor& singular_values, double tol);
// WeightWatcher's continuous power-law fit of the eigenvalues λ = σ² (λ <= 1e-5 dropped),
// xmin chosen by the smallest Kolmogorov–Smirnov distance. NaN alpha with fewer than 3 λ.
PowerLawFit fit_power_law(const torch::Tensor& singular_values);

// For each of the first columns of `top_vectors` (m×k): the largest |cosine| with any column
// of `reference_vectors` (m×r). An intruder has a value below epsilon.
std::vector<double> intruder_similarities(const torch::Tensor& top_vectors,
                                          const torch::Tensor& reference_vectors);

struct TruncatedSvd {
  torch::Tensor U, S, V;  // U: m×k, S: k (descending), V: n×k
};
// Top-k singular triplets by the randomised range finder with power iterations (Halko,
// Martinsson & Tropp 2011, Alg. 4.4 + 5.1), in float64, seeded.
TruncatedSvd randomized_svd(const torch::Tensor& A, int64_t k, int64_t oversample = 10,
                            int64_t power_iterations = 4, uint64_t seed = 0);

struct SubspaceSimilarity {
  double phi = 0;        // ||U1ᵀU2||_F² / min(r1, r2) ∈ [0, 1]  (Hu et al. 2021, §7.2)
  double grassmann = 0;  // (Σ θ_k²)^½ over the principal angles
};
SubspaceSimilarity subspace_similarity(const torch::Tensor& U1, const torch::Tensor& U2);

// One matrix's metrics: (name, value), names as stored in the `spectra` table.
struct MatrixSpectrum {
  std::string matrix;
  std::vector<std::pair<std::string, double>> metrics;
};

// Metrics of tuned W against base W0 (same shape, 2-D).
MatrixSpectrum analyze_matrix(const std::string& name, const torch::Tensor& base,
                              const torch::Tensor& tuned, const SpectralOptions& options = {});

// analyze_matrix for every 2-D tensor that differs between `base` and `tuned` (matched by
// name), in the order of `tuned`.
std::vector<MatrixSpectrum> analyze_changed_matrices(
    const std::vector<std::pair<std::string, torch::Tensor>>& base,
    const std::vector<std::pair<std::string, torch::Tensor>>& tuned,
    const SpectralOptions& options = {});

struct UpdateComparison {
  std::string matrix;
  SubspaceSimilarity left,
      right;  // of the top-`rank` left (column) and right (row) singular vectors
};

// For every 2-D matrix both `a` and `b` changed from `base`: the similarity of their updates'
// top-`rank` singular subspaces (a rank-r LoRA update spans at most r directions).
std::vector<UpdateComparison> compare_updates(
    const std::vector<std::pair<std::string, torch::Tensor>>& base,
    const std::vector<std::pair<std::string, torch::Tensor>>& a,
    const std::vector<std::pair<std::string, torch::Tensor>>& b, int64_t rank);

}  // namespace tb
