#include "harness/model/causal_attention.h"

#include <cmath>
#include <limits>

namespace tb {

torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               int64_t start) {
  const int64_t t = q.size(2), s = k.size(2);
#if TORCH_VERSION_MAJOR >= 2
  if (q.is_cuda() && (t == s || t == 1))  // the mask is plain causal, or none for one new query
    return at::scaled_dot_product_attention(q, k, v, {}, 0.0, /*is_causal=*/t == s && t > 1);
#endif
  auto scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(q.size(-1)));  // (B, H, T, S)
  if (t > 1) {
    auto mask = torch::full({t, s}, -std::numeric_limits<float>::infinity(), scores.options()).triu(start + 1);
    scores = scores + mask;
  }
  return torch::matmul(torch::softmax(scores, -1), v);
}

torch::Tensor shifted_sparse_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                       int64_t groups) {
  const int64_t b = q.size(0), h = q.size(1), t = q.size(2), d = q.size(3);
  TORCH_CHECK(h % 2 == 0, "shifted sparse attention shifts half of the heads: needs an even head count");
  int64_t group = (t + groups - 1) / groups;
  group += group % 2;
  if (group >= t) return causal_attention(q, k, v, 0);
  const int64_t padded = (t + group - 1) / group * group;
  const int64_t half = h / 2;
  auto shift = [&](const torch::Tensor& x) {  // pad to whole groups, roll the second half of the heads
    auto p = torch::constant_pad_nd(x, {0, 0, 0, padded - t});
    return torch::cat({p.narrow(1, 0, half), p.narrow(1, half, half).roll(-group / 2, 2)}, 1);
  };
  auto grouped = [&](const torch::Tensor& x) {  // (B, H, n, G, D) -> (B * n, H, G, D)
    return x.view({b, h, padded / group, group, d}).transpose(1, 2).reshape({-1, h, group, d});
  };
  auto out = causal_attention(grouped(shift(q)), grouped(shift(k)), grouped(shift(v)), 0);
  out = out.view({b, padded / group, h, group, d}).transpose(1, 2).reshape({b, h, padded, d});
  out = torch::cat({out.narrow(1, 0, half), out.narrow(1, half, half).roll(group / 2, 2)}, 1);
  return out.narrow(2, 0, t);
}

}  // namespace tb
