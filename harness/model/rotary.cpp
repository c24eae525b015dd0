#include "harness/model/rotary.h"

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

torch::Tensor rotate_half(const torch::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

}  // namespace

torch::Tensor rotary_inverse_frequencies(int64_t head_dim, double theta, const RopeScaling& scaling) {
  auto inv_freq =
      1.0 / torch::pow(theta, torch::arange(0, head_dim, 2, torch::kFloat64) / double(head_dim));
  if (scaling.type == "linear") return inv_freq / scaling.factor;
  if (scaling.type == "llama3") return llama3_scaled(inv_freq, scaling);
  TORCH_CHECK(scaling.type.empty(), "unsupported rope scaling ", scaling.type);
  return inv_freq;
}

RotaryTables make_rotary_tables(const LlamaConfig& c) {
  auto inv_freq = rotary_inverse_frequencies(c.head_dim(), c.rope_theta, c.rope_scaling);
  auto t = torch::arange(c.max_position_embeddings, torch::kFloat64);
  auto freqs = torch::outer(t, inv_freq);
  auto emb = torch::cat({freqs, freqs}, -1);
  return {emb.cos().to(torch::kFloat32), emb.sin().to(torch::kFloat32)};
}

torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& rope, int64_t start) {
  const int64_t t = x.size(2);
  auto cos = rope.cos.narrow(0, start, t).to(x.dtype());
  auto sin = rope.sin.narrow(0, start, t).to(x.dtype());
  return x * cos + rotate_half(x) * sin;
}

}  // namespace tb
