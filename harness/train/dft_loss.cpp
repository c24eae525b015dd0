#include "harness/train/dft_loss.h"

#include <torch/torch.h>

#include "harness/model/llama.h"

namespace tb {

torch::Tensor dft_loss(const torch::Tensor& logits, const torch::Tensor& labels) {
  const auto flat_logits = logits.reshape({-1, logits.size(-1)}).to(torch::kFloat32);
  const auto flat_labels = labels.reshape({-1});
  const auto targets = flat_labels.clamp_min(0).unsqueeze(1);
  const auto log_p = torch::log_softmax(flat_logits, -1).gather(1, targets).squeeze(1);
  return reduce_token_losses("dft", -log_p, flat_labels);
}

torch::Tensor reduce_token_losses(const std::string& loss, const torch::Tensor& token_losses,
                                  const torch::Tensor& labels) {
  const auto mask = (labels != kIgnoreLabel).to(torch::kFloat32);
  if (loss == "dft") return ((-token_losses).exp().detach() * token_losses * mask).sum() / (mask.sum() + 1e-8);
  TORCH_CHECK(loss == "ce", "unknown training loss ", loss);
  return (token_losses * mask).sum() / mask.sum();  // 0/0 = NaN when nothing counts, as cross_entropy gives
}

torch::Tensor training_loss(const std::string& loss, const torch::Tensor& logits, const torch::Tensor& labels) {
  if (loss == "dft") return dft_loss(logits, labels);
  TORCH_CHECK(loss == "ce", "unknown training loss ", loss);
  return causal_lm_loss(logits, labels);
}

}  // namespace tb
