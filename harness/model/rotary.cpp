#include "harness/model/rotary.h"

#include <algorithm>
#include <cmath>

namespace tb {

namespace {

torch::Tensor llama3_scaled(const torch::Tensor& inv_freq, const RopeScaling& r) {
  const double context = double(r.original_max_position_embeddings);
  const double low_freq_wavelength = context / r.low_freq_factor;
  const double high_freq_wavelength = context / r.high_freq_factor;
  auto wavelength = 2 * M_PI / inv_freq;
  auto scaled = torch::where(wavelength > low_freq_wavelength, inv_freq / r.factor, inv_freq);
  auto smooth = (context / wavelength - r.low_freq_factor) / (r.high_freq_factor - r.low_freq_factor);
  auto smoothed = (1 - smooth) * scaled / r.factor + smooth * scaled;
  auto medium = (wavelength >= high_freq_wavelength) & (wavelength <= low_freq_wavelength);
  return torch::where(medium, smoothed, scaled);
}

// YaRN's "NTK-by-parts" interpolation (Peng et al. 2023, eqs. 17-18): dimensions that turn
// more than beta_fast times over the original context keep their frequency, those turning
// fewer than beta_slow times are interpolated, a linear ramp in between.
torch::Tensor yarn_scaled(const torch::Tensor& inv_freq, int64_t dim, double theta, const RopeScaling& r) {
  const double context = double(r.original_max_position_embeddings);
  auto correction_dim = [&](double rotations) {
    return double(dim) * std::log(context / (rotations * 2 * M_PI)) / (2 * std::log(theta));
  };
  const double low = std::max(std::floor(correction_dim(r.beta_fast)), 0.0);
  double high = std::min(std::ceil(correction_dim(r.beta_slow)), double(dim - 1));
  if (high == low) high += 0.001;  // no division by zero
  auto ramp = ((torch::arange(dim / 2, torch::kFloat64) - low) / (high - low)).clamp(0, 1);
  auto extrapolation_weight = 1 - ramp;
  return inv_freq / r.factor * (1 - extrapolation_weight) + inv_freq * extrapolation_weight;
}

}  // namespace

torch::Tensor rotary_inverse_frequencies(int64_t head_dim, double theta, const RopeScaling& scaling,
                                         int64_t length) {
  const auto exponents = torch::arange(0, head_dim, 2, torch::kFloat64) / double(head_dim);
  if (scaling.type == "dynamic" && length > scaling.original_max_position_embeddings) {
    const double ratio = scaling.factor * double(length) / double(scaling.original_max_position_embeddings);
    theta *= std::pow(ratio - (scaling.factor - 1), double(head_dim) / double(head_dim - 2));
  }
  auto inv_freq = 1.0 / torch::pow(theta, exponents);
  // Factor 1 leaves every frequency as it is; returned as is so that it is so bit for bit
  // (the blends below would round). Dynamic NTK still grows the base with factor 1.
  if (scaling.factor == 1 && scaling.type != "dynamic") return inv_freq;
  if (scaling.type == "linear") return inv_freq / scaling.factor;
  if (scaling.type == "llama3") return llama3_scaled(inv_freq, scaling);
  if (scaling.type == "yarn") return yarn_scaled(inv_freq, head_dim, theta, scaling);
  TORCH_CHECK(scaling.type.empty() || scaling.type == "dynamic", "unsupported rope scaling ", scaling.type);
  return inv_freq;
}

double rotary_attention_factor(const RopeScaling& scaling) {
  if (scaling.type != "yarn") return 1.0;
  if (scaling.attention_factor > 0) return scaling.attention_factor;
  return scaling.factor <= 1 ? 1.0 : 0.1 * std::log(scaling.factor) + 1.0;
}

RotaryTables make_rotary_tables(const LlamaConfig& c, int64_t length) {
  auto inv_freq = rotary_inverse_frequencies(c.head_dim(), c.rope_theta, c.rope_scaling, length);
  auto t = torch::arange(length, torch::kFloat64);
  auto freqs = torch::outer(t, inv_freq);
  auto emb = torch::cat({freqs, freqs}, -1);
  const double scale = rotary_attention_factor(c.rope_scaling);
  return {(emb.cos() * scale).to(torch::kFloat32), (emb.sin() * scale).to(torch::kFloat32)};
}

RotaryTables rotary_slice(const RotaryTables& full, int64_t start, int64_t t, const torch::Tensor& position_ids) {
  if (!position_ids.defined()) return {full.cos.narrow(0, start, t), full.sin.narrow(0, start, t)};
  const auto flat = position_ids.reshape({-1});
  const int64_t rows = position_ids.size(0), dim = full.cos.size(1);
  return {full.cos.index_select(0, flat).view({rows, 1, t, dim}),
          full.sin.index_select(0, flat).view({rows, 1, t, dim})};
}

RotaryEmbeddingImpl::RotaryEmbeddingImpl(const LlamaConfig& c, int64_t length, torch::Device device) {
  const RotaryTables t = make_rotary_tables(c, length);
  cos = register_buffer("cos", t.cos.to(device));
  sin = register_buffer("sin", t.sin.to(device));
}

}  // namespace tb
