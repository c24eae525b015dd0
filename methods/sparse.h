#pragma once
#include <map>
#include <string>
#include <vector>

#include "methods/method.h"
#include "methods/sparse_delta.h"

namespace tb {

struct MethodInfo;
MethodInfo sparse_info();

struct SparseOptions {
  double density = 0.01;
  // "model": int(density * all model parameters) entries shared by size; "per_matrix":
  // floor(density * numel) entries in each target matrix.
  std::string density_rule = "model";
  std::vector<std::string> target_modules = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                             "gate_proj", "up_proj", "down_proj"};
  int64_t reselection_steps = 20;
  int64_t accumulation_steps = 5;
  double initial_reselection_rate = 0.2;
  std::string schedule = "linear";  // or "cosine"
};

// Trainable entries k of each target projection (full module name -> k), as the
// reference sizes them (AlanAnsell/peft tuners/sft/model.py, inject_adapter):
//   "model":      num_tunable = int(density * total_parameters), then
//                 k = int(num_tunable * numel / sum of the targets' numel);
//   "per_matrix": k = max(1, floor(density * numel)).
// Throws std::invalid_argument (no location) when num_tunable exceeds the targets'
// entries or leaves a target none.
std::map<std::string, int64_t> sparse_entries(double density, const std::string& rule,
                                              const std::vector<ProjectionInfo>& targets,
                                              int64_t total_parameters);

class SparseFineTuning : public Method {
 public:
  explicit SparseFineTuning(SparseOptions o) : options_(std::move(o)) {}
  std::vector<torch::Tensor> prepare(LlamaForCausalLM& model,
                                     const MethodContext& context) override;
  std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::vector<torch::Tensor>& params,
                                                          const TrainingOptions& options) override;
  void after_step(int64_t step, torch::optim::Optimizer& optimizer) override;
  void merge(LlamaForCausalLM& model) override { merge_all_projections(model); }

  // The proportion of entries to replace at a reselection after `updates` updates.
  double reselection_rate(int64_t updates) const;
  const std::vector<std::shared_ptr<SparseDelta>>& deltas() const { return deltas_; }
  int64_t reselections() const { return reselections_; }
  // first_positions: the first target's first initial positions (a new draw shows as new ones).
  nlohmann::json details() const override {
    return {{"reselections", reselections_}, {"first_positions", first_positions_}};
  }
  void save_state(std::map<std::string, torch::Tensor>& tensors, nlohmann::json& values) const override;
  void load_state(const std::map<std::string, torch::Tensor>& tensors, const nlohmann::json& values) override;

 private:
  struct Accumulator {
    torch::Tensor candidates;           // (k) positions, fixed by the window's first gradient
    torch::Tensor sum, sum_of_squares;  // (k)
  };
  void reselect(SparseDelta& delta, const Accumulator& acc, double rate,
                torch::optim::Optimizer& optimizer);

  SparseOptions options_;
  int64_t total_steps_ = 0;
  std::vector<std::shared_ptr<SparseDelta>> deltas_;
  std::vector<Accumulator> accumulators_;
  int64_t accumulated_ = 0;  // gradients in the current window
  bool accumulating_ = true;
  int64_t reselections_ = 0;
  std::vector<int64_t> first_positions_;  // up to 8, as drawn by prepare()
};

}  // namespace tb
