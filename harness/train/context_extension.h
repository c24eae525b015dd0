// A run's context extension: the RoPE scaling its training options name, set on the tuned
// model before the method prepares it (so training, evaluation and the saved config.json
// all use it), and PoSE's position ids on its training batches.
#pragma once
#include <nlohmann/json.hpp>

#include "harness/data/rng.h"
#include "harness/model/llama.h"
#include "harness/train/batch.h"
#include "harness/train/training_options.h"

namespace tb {

// The scaling of options (type "" for none); `trained_length`: the base model's context,
// used when rope_original_length is 0.
RopeScaling rope_scaling_of(const TrainingOptions& options, int64_t trained_length);

// Sets the run's RoPE scaling on `model` (nothing without one). `run_config`: the run's config.
void extend_context(LlamaForCausalLM& model, const nlohmann::json& run_config);

// PoSE (Zhu et al. 2024, "PoSE: Efficient Context Window Extension of LLMs via Positional
// Skip-wise Training", §3.2, two chunks): a window of `window` tokens out of a row of
// `length` is cut at a uniform point 1 <= c < window; the first chunk is the row's tokens
// 0..c-1, the second its tokens c+u..window-1+u with a skip u uniform in [0, length - window],
// and every token keeps its position in the row (the paper's content skip equal to its
// position skip). So short windows train every position of the row's length. Returns the
// (rows, window) positions; window >= length: every position.
torch::Tensor pose_position_ids(int64_t rows, int64_t window, int64_t length, Rng& rng);

// PoSE's windows of a training batch (inputs, labels and response marks at the chosen
// positions, position_ids = those positions) when options ask for them; the draw for `step`
// comes from a stream of its own, so a resumed run sees the same windows.
Batch with_pose_positions(Batch batch, const TrainingOptions& options, uint64_t seed, int64_t step);

}  // namespace tb
