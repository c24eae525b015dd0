// A projection that can carry adapters: y = W' x (+ b), where W' is the weight after
// every adapter's adapt_weight(), then y = adapter_k(x, y) for each attached adapter in
// order (He et al., "Towards a Unified View of Parameter-Efficient Transfer Learning",
// ICLR 2022: every PEFT method modifies some hidden state at some position). The weight
// is registered as "weight" and the optional bias as "bias", so names match Hugging Face
// checkpoints ("...q_proj.weight"); adapters register under their name.
#pragma once
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace tb {

// How a module's weights start: random (a fresh model) or uninitialised (a checkpoint
// fills them next, so nothing is spent drawing numbers that are overwritten).
enum class WeightInit { kRandom, kEmpty };

// Modifies a module's output: also used on the RMSNorms (SSF).
class OutputAdapter : public torch::nn::Module {
 public:
  // x: (..., in) the module's input; y: (..., out) its output so far.
  virtual torch::Tensor adapt(const torch::Tensor& x, const torch::Tensor& y) { return y; }
};

class LinearAdapter : public OutputAdapter {
 public:
  // The weight the projection multiplies with; adapters that change entries of the
  // weight itself (sparse deltas) return w + delta, the others w.
  virtual torch::Tensor adapt_weight(const torch::Tensor& w) { return w; }
  // Folds the adapter into weight (out, in) and bias (out; undefined when the
  // projection has none) in place; afterwards neither adapt call is needed.
  virtual void merge_into(torch::Tensor& weight, torch::Tensor& bias) = 0;
};

class AdaptedLinearImpl : public torch::nn::Module {
 public:
  AdaptedLinearImpl(int64_t in_features, int64_t out_features, bool with_bias = false,
                    WeightInit init = WeightInit::kRandom);
  torch::Tensor forward(const torch::Tensor& x);
  // Registers a zero bias (Hugging Face's attention_bias / mlp_bias); no-op if present.
  void add_bias();

  void add_adapter(const std::string& name, std::shared_ptr<LinearAdapter> adapter);
  // Folds every adapter into the weight and removes it: one plain matrix again.
  void merge_adapters();
  bool has_adapters() const { return !adapters_.empty(); }

  int64_t in_features, out_features;
  torch::Tensor weight;  // (out, in)
  torch::Tensor bias;    // (out) or undefined

 private:
  std::vector<std::pair<std::string, std::shared_ptr<LinearAdapter>>> adapters_;
};
TORCH_MODULE(AdaptedLinear);

}  // namespace tb
