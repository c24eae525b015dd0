#include "harness/train/context_extension.h"

#include "harness/spec/context_extension_options.h"

namespace tb {

RopeScaling rope_scaling_of(const TrainingOptions& o, int64_t trained_length) {
  RopeScaling r;
  if (o.rope_scaling == "none") return r;
  r.type = o.rope_scaling;
  r.factor = o.rope_factor;
  // Linear interpolation has no pivot (its saved form has no original length).
  if (r.type != "linear")
    r.original_max_position_embeddings = o.rope_original_length > 0 ? o.rope_original_length : trained_length;
  return r;
}

void extend_context(LlamaForCausalLM& model, const nlohmann::json& run_config) {
  const TrainingOptions options = TrainingOptions::from_json(run_config.at("training"));
  const RopeScaling scaling = rope_scaling_of(options, trained_context_length(run_config.at("base_model")));
  if (scaling.type.empty()) return;
  const int64_t original = options.rope_original_length > 0 ? options.rope_original_length
                                                             : trained_context_length(run_config.at("base_model"));
  model->set_rope(scaling, extended_max_positions(model->config.max_position_embeddings, scaling.factor, original));
}

torch::Tensor pose_position_ids(int64_t rows, int64_t window, int64_t length, Rng& rng) {
  if (window >= length) return torch::arange(length, torch::kInt64).repeat({rows, 1});
  auto ids = torch::arange(window, torch::kInt64).repeat({rows, 1});
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t cut = window < 2 ? 0 : 1 + int64_t(rng.below(uint64_t(window - 1)));
    const int64_t skip = int64_t(rng.below(uint64_t(length - window + 1)));
    ids[r].narrow(0, cut, window - cut).add_(skip);
  }
  return ids;
}

Batch with_pose_positions(Batch batch, const TrainingOptions& options, uint64_t seed, int64_t step) {
  const int64_t window = options.pose_window, length = batch.input_ids.size(1);
  if (window <= 0 || window >= length) return batch;
  Rng rng(seed ^ 0x9053ULL ^ (uint64_t(step) * 0x9e3779b97f4a7c15ULL));
  const auto positions = pose_position_ids(batch.input_ids.size(0), window, length, rng);
  batch.input_ids = batch.input_ids.gather(1, positions);
  batch.labels = batch.labels.gather(1, positions);
  if (batch.response.defined()) batch.response = batch.response.gather(1, positions);
  batch.position_ids = positions;
  return batch;
}

}  // namespace tb
