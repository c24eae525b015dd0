#include "harness/train/dft_loss.h"

#include <torch/torch.h>

#include "harness/model/llama.h"

namespace tb {

torch::Tensor dft_loss(const torch::Tensor& logits, const torch::Tensor& labels) {
  const auto flat_logits = logits.reshape({-1, logits.size(-1)}).to(torch::kFloat32);
  const auto flat_labels = labels.reshape({-1});
  const auto mask = flat_labels != kIgnoreLabel;
  const auto targets = flat_labels.clamp_min(0).unsqueeze(1);
  const auto log_p = torch::log_softmax(flat_logits, -1).gather(1, targets).squeeze(1);
  const auto token_loss = -log_p.detach().exp() * log_p;
  const auto m = mask.to(torch::kFloat32);
  return (token_loss * m).sum() / (m.sum() + 1e-8);
}

torch::Tensor training_loss(const std::string& loss, const torch::Tensor& logits, const torch::Tensor& labels) {
  if (loss == "dft") return dft_loss(logits, labels);
  TORCH_CHECK(loss == "ce", "unknown training loss ", loss);
  return causal_lm_loss(logits, labels);
}

}  // namespace tb
