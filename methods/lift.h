#pragma once
#include <string>
#include <vector>

#include "methods/method.h"
#include "methods/sparse_delta.h"

namespace tb {

struct MethodInfo;
MethodInfo lift_info();

struct LiftOptions {
  int64_t rank = 8;          // LoRA-equivalent budget: k = min((out + in) * rank, out * in)
  int64_t filter_rank = 32;  // r' of the low-rank approximation the mask is chosen on
  int64_t update_interval = 100;
  std::vector<std::string> target_modules = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                             "gate_proj", "up_proj", "down_proj"};
};

class Lift : public Method {
 public:
  explicit Lift(LiftOptions o) : options_(std::move(o)) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::vector<torch::Tensor>& params,
                                                          const TrainingOptions& options) override;
  void after_step(int64_t step, torch::optim::Optimizer& optimizer) override;
  void merge(LlamaForCausalLM& model) override { merge_all_projections(model); }

  // The k positions of the largest |W_r'| (row-major), sorted.
  static torch::Tensor principal_positions(const torch::Tensor& weight, int64_t filter_rank,
                                           int64_t k);
  const std::vector<std::shared_ptr<SparseDelta>>& deltas() const { return deltas_; }
  nlohmann::json details() const override { return {{"mask_refreshes", refreshes_}}; }
  // The masks and folded weights live in the model; only the refresh count is extra.
  void save_state(std::map<std::string, torch::Tensor>&, nlohmann::json& values) const override {
    values["refreshes"] = refreshes_;
  }
  void load_state(const std::map<std::string, torch::Tensor>&, const nlohmann::json& values) override {
    refreshes_ = values.at("refreshes").get<int64_t>();
  }

 private:
  LiftOptions options_;
  int64_t total_steps_ = 0;
  std::vector<std::pair<AdaptedLinear, std::shared_ptr<SparseDelta>>> targets_;
  std::vector<std::shared_ptr<SparseDelta>> deltas_;
  int64_t refreshes_ = 0;
};

}  // namespace tb
