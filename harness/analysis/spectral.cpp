// Spectral metrics of tuned weights W against base weights W0.
// - Intruder dimensions (Shuttleworth et al. 2024, "LoRA vs Full Fine-tuning: An Illusion of
//   Equivalence", arXiv 2410.21228, §4, Def. 1): for each of the top-k left singular vectors
//   u_j of W, s_j = max_i |u_jᵀ u0_i| over all left singular vectors of W0; u_j is an
//   intruder when s_j < ε (k = 10, ε = 0.5 by default, as in their script and PEFT).
// - Effective rank (Roy & Vetterli 2007, eq. 2-3): exp(-Σ p_k ln p_k), p_k = σ_k / Σσ.
// - Stable rank Σσ²/σ_max²; the spectral norm is stored as sigma_max = σ_max (WeightWatcher's
//   "spectral_norm" is λ_max = σ_max²).
// - Power-law exponent α of the ESD λ = σ² (Martin & Mahoney 2021; WeightWatcher's default
//   'ww' fit): for each candidate xmin (every λ but the largest), the continuous MLE
//   α = 1 + n / Σ_{λ>=xmin} ln(λ/xmin) and the KS distance
//   D = max_j |1 - (λ_j/xmin)^{1-α} - j/n|; the xmin with the smallest D wins.
//   α̂ = α·log10 λ_max (WeightWatcher's alpha_weighted).
// - Subspace similarity of two updates (Hu et al. 2021, LoRA, §7.2, eq. 4):
//   φ = ||U1ᵀU2||_F² / min(r1, r2), and the Grassmann distance of the principal angles.
// Singular values and the vectors behind intruder counts are computed exactly (LAPACK,
// float64): trained weights have flat spectra, where approximate vectors would make false
// intruders. Only the top-r subspaces of updates, which are steep or low-rank, come from a
// randomised SVD beyond min(m, n) = 512 (bench_spectral measures its agreement).
#include "harness/analysis/spectral.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tb {
namespace {

constexpr int64_t kExactSvdLimit = 512;

std::vector<double> to_vector(const torch::Tensor& t) {
  auto c = t.to(torch::kFloat64).contiguous().cpu();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// Matrix-rank tolerance σ_max·max(m, n)·ε of float32, the precision weights are stored in.
// For an update W - W0 pass the larger σ_max of W and W0: the rounding noise in the
// difference comes from storing W, whatever the update's own size.
double rank_tolerance(double sigma_max, const torch::Tensor& matrix) {
  return sigma_max * double(std::max(matrix.size(0), matrix.size(1))) *
         std::numeric_limits<float>::epsilon();
}

// Top-k singular triplets: exact for small matrices, randomised beyond kExactSvdLimit.
TruncatedSvd top_singular(const torch::Tensor& W, int64_t k) {
  if (std::min(W.size(0), W.size(1)) <= kExactSvdLimit) {
    auto [U, S, Vh] = torch::linalg_svd(W, /*full_matrices=*/false);
    return {U.narrow(1, 0, k), S.narrow(0, 0, k), Vh.narrow(0, 0, k).transpose(0, 1)};
  }
  return randomized_svd(W, k);
}

const torch::Tensor* find_named(const std::vector<std::pair<std::string, torch::Tensor>>& named,
                                const std::string& name, const torch::Tensor& like) {
  for (const auto& [n, t] : named) {
    if (n == name) return t.sizes().equals(like.sizes()) ? &t : nullptr;
  }
  return nullptr;
}

}  // namespace

double effective_rank(const torch::Tensor& singular_values, double tol) {
  double total = 0;
  const auto s = to_vector(singular_values);
  for (double v : s) total += v > tol ? v : 0;
  if (total <= 0) return 0;
  double entropy = 0;
  for (double v : s) {
    if (v > tol) entropy -= (v / total) * std::log(v / total);
  }
  return std::exp(entropy);
}

double stable_rank(const torch::Tensor& singular_values) {
  const auto s = to_vector(singular_values);
  double sq = 0, top = 0;
  for (double v : s) sq += v * v, top = std::max(top, v);
  return top > 0 ? sq / (top * top) : 0;
}

int64_t numerical_rank(const torch::Tensor& singular_values, double tol) {
  const auto s = to_vector(singular_values);
  return int64_t(std::count_if(s.begin(), s.end(), [&](double v) { return v > tol; }));
}

PowerLawFit fit_power_law(const torch::Tensor& singular_values) {
  std::vector<double> lambda;
  for (double s : to_vector(singular_values)) {
    if (s * s > 1e-5) lambda.push_back(s * s);
  }
  std::sort(lambda.begin(), lambda.end());
  PowerLawFit best;
  const size_t N = lambda.size();
  if (N < 3) return best;
  // Suffix sums of ln λ give each candidate's MLE in O(1).
  std::vector<double> suffix(N + 1, 0.0);
  for (size_t i = N; i-- > 0;) suffix[i] = suffix[i + 1] + std::log(lambda[i]);
  best.ks_distance = INFINITY;
  for (size_t i = 0; i + 1 < N; ++i) {
    const double n = double(N - i);
    const double xmin = lambda[i];
    const double denom = suffix[i] - n * std::log(xmin);
    if (!(denom > 0)) continue;  // ties: every tail value equals xmin
    const double alpha = 1 + n / denom;
    double d = 1;
    if (alpha > 1) {
      d = 0;
      for (size_t j = 0; j < N - i; ++j) {
        const double model = 1 - std::pow(lambda[i + j] / xmin, 1 - alpha);
        d = std::max(d, std::abs(model - double(j) / n));
      }
    }
    if (d < best.ks_distance) {
      best.alpha = alpha;
      best.xmin = xmin;
      best.ks_distance = d;
      best.sigma = (alpha - 1) / std::sqrt(n);
      best.tail_size = int64_t(N - i);
    }
  }
  if (!std::isfinite(best.ks_distance)) return PowerLawFit{};
  return best;
}

std::vector<double> intruder_similarities(const torch::Tensor& top_vectors,
                                          const torch::Tensor& reference_vectors) {
  const auto cos = torch::matmul(top_vectors.to(torch::kFloat64).transpose(0, 1),
                                 reference_vectors.to(torch::kFloat64))
                       .abs();
  return to_vector(std::get<0>(cos.max(/*dim=*/1)));
}

TruncatedSvd randomized_svd(const torch::Tensor& A_in, int64_t k, int64_t oversample,
                            int64_t power_iterations, uint64_t seed) {
  const auto A = A_in.to(torch::kFloat64);
  const int64_t l = std::min({k + oversample, A.size(0), A.size(1)});
  auto gen = at::detail::createCPUGenerator(seed);
  const auto omega = at::randn({A.size(1), l}, gen, torch::TensorOptions().dtype(torch::kFloat64));
  // Range of A: Q spans A·Ω, sharpened by power iterations (AAᵀ)^q, re-orthonormalised each
  // half step so that small singular directions are not lost to rounding.
  auto Q = std::get<0>(torch::linalg_qr(torch::matmul(A, omega)));
  for (int64_t i = 0; i < power_iterations; ++i) {
    auto Z = std::get<0>(torch::linalg_qr(torch::matmul(A.transpose(0, 1), Q)));
    Q = std::get<0>(torch::linalg_qr(torch::matmul(A, Z)));
  }
  auto [Ub, S, Vh] =
      torch::linalg_svd(torch::matmul(Q.transpose(0, 1), A), /*full_matrices=*/false);
  const int64_t r = std::min(k, l);
  return {torch::matmul(Q, Ub).narrow(1, 0, r), S.narrow(0, 0, r),
          Vh.narrow(0, 0, r).transpose(0, 1)};
}

SubspaceSimilarity subspace_similarity(const torch::Tensor& U1, const torch::Tensor& U2) {
  const auto cosines = torch::linalg_svdvals(
      torch::matmul(U1.to(torch::kFloat64).transpose(0, 1), U2.to(torch::kFloat64)));
  SubspaceSimilarity s;
  double sq_angles = 0, sq_cos = 0;
  for (double c : to_vector(cosines)) {
    const double clamped = std::clamp(c, 0.0, 1.0);
    sq_cos += clamped * clamped;
    sq_angles += std::acos(clamped) * std::acos(clamped);
  }
  s.phi = sq_cos / double(std::min(U1.size(1), U2.size(1)));
  s.grassmann = std::sqrt(sq_angles);
  return s;
}

MatrixSpectrum analyze_matrix(const std::string& name, const torch::Tensor& base_in,
                              const torch::Tensor& tuned_in, const SpectralOptions& options) {
  torch::NoGradGuard no_grad;
  const auto base = base_in.detach().to(torch::kFloat64);
  const auto tuned = tuned_in.detach().to(torch::kFloat64);
  const auto update = tuned - base;
  MatrixSpectrum out{name, {}};
  auto add = [&](const std::string& metric, double v) {
    if (std::isfinite(v)) out.metrics.emplace_back(metric, v);
  };

  auto [U0, S0, Vh0] = torch::linalg_svd(base, /*full_matrices=*/false);
  // One exact SVD of W gives both its spectrum and the top vectors the intruder test needs.
  auto [U, S, Vh] = torch::linalg_svd(tuned, /*full_matrices=*/false);
  const auto S_update = torch::linalg_svdvals(update);

  const int64_t k = std::min(options.intruder_k, std::min(tuned.size(0), tuned.size(1)));
  const auto similarity = intruder_similarities(U.narrow(1, 0, k), U0);
  add("intruders", double(std::count_if(similarity.begin(), similarity.end(),
                                        [&](double s) { return s < options.intruder_epsilon; })));
  for (size_t j = 0; j < similarity.size(); ++j) {
    add("intruder_similarity@rank=" + std::to_string(j + 1), similarity[j]);
  }

  for (const auto& [prefix, s] : {std::pair<std::string, torch::Tensor>{"", S}, {"base_", S0}}) {
    const PowerLawFit pl = fit_power_law(s);
    const double top = s.max().item<double>();
    add(prefix + "erank", effective_rank(s, rank_tolerance(top, tuned)));
    add(prefix + "stable_rank", stable_rank(s));
    add(prefix + "sigma_max", top);
    add(prefix + "alpha", pl.alpha);
    add(prefix + "alpha_hat", pl.alpha * std::log10(top * top));
    if (prefix.empty()) add("alpha_ks_distance", pl.ks_distance);
  }
  const double tol =
      rank_tolerance(std::max(S.max().item<double>(), S0.max().item<double>()), update);
  add("update_sigma_max", S_update.max().item<double>());
  add("update_frobenius_norm", update.norm().item<double>());
  add("update_erank", effective_rank(S_update, tol));
  add("update_stable_rank", stable_rank(S_update));
  add("update_rank", double(numerical_rank(S_update, tol)));
  return out;
}

std::vector<MatrixSpectrum> analyze_changed_matrices(
    const std::vector<std::pair<std::string, torch::Tensor>>& base,
    const std::vector<std::pair<std::string, torch::Tensor>>& tuned,
    const SpectralOptions& options) {
  std::vector<MatrixSpectrum> out;
  for (const auto& [name, w] : tuned) {
    const torch::Tensor* w0 = w.dim() == 2 ? find_named(base, name, w) : nullptr;
    if (w0 == nullptr || torch::equal(*w0, w)) continue;
    out.push_back(analyze_matrix(name, *w0, w, options));
  }
  return out;
}

std::vector<UpdateComparison> compare_updates(
    const std::vector<std::pair<std::string, torch::Tensor>>& base,
    const std::vector<std::pair<std::string, torch::Tensor>>& a,
    const std::vector<std::pair<std::string, torch::Tensor>>& b, int64_t rank) {
  torch::NoGradGuard no_grad;
  std::vector<UpdateComparison> out;
  for (const auto& [name, wa] : a) {
    const torch::Tensor* w0 = wa.dim() == 2 ? find_named(base, name, wa) : nullptr;
    const torch::Tensor* wb = w0 != nullptr ? find_named(b, name, wa) : nullptr;
    if (wb == nullptr || torch::equal(*w0, wa) || torch::equal(*w0, *wb)) continue;
    const auto base64 = w0->to(torch::kFloat64);
    const double scale = torch::linalg_matrix_norm(base64, 2).item<double>();
    // Each side keeps at most its update's numerical rank: directions beyond it are
    // rounding noise and would dilute φ (a rank-4 LoRA update compared at rank 8).
    auto top = [&](const torch::Tensor& w) {
      const auto update = w.to(torch::kFloat64) - base64;
      const auto t = top_singular(update, std::min(rank, std::min(w.size(0), w.size(1))));
      const double tol = rank_tolerance(std::max(scale, t.S[0].item<double>()), update);
      const int64_t r = std::max<int64_t>(1, numerical_rank(t.S, tol));
      return TruncatedSvd{t.U.narrow(1, 0, r), t.S.narrow(0, 0, r), t.V.narrow(1, 0, r)};
    };
    const auto ua = top(wa), ub = top(*wb);
    out.push_back({name, subspace_similarity(ua.U, ub.U), subspace_similarity(ua.V, ub.V)});
  }
  return out;
}

}  // namespace tb
