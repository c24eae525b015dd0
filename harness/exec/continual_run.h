// A continual run (a spec with `stages`, harness/spec/stages.h): the method trains through
// the stages' tasks in order, each stage with a fresh optimiser and learning-rate schedule.
//
// Between stages the method, as training.between_stages says, either restarts (what the
// stage trained is folded into the weights and the method prepares afresh on them: full FT
// trains everything again, a LoRA-family method starts a new adapter, HFT draws a new half,
// sparse methods reselect their entries) or continues (the same trainable parameters and
// method state, e.g. one LoRA adapter through every stage). O-LoRA stacks: its adapters stay,
// frozen, and each stage adds one (methods/o_lora.h). training.replay mixes earlier stages'
// training items into each batch (each row with that probability).
//
// After every stage the run scores every stage's held-out items with task_accuracy (the row
// R[stage][·] of the accuracy matrix, not-yet-trained tasks included) and runs the forgetting
// suite when configured, both against the untouched base model; these go to result.json's
// stage_evals. The final evaluation (every configured suite on the merged model, task
// accuracy on the last stage's task) is the run's result as for any run.
//
// Resuming: after each stage a stage checkpoint (run_files::stage_checkpoint) holds the model
// and method state as the next stage starts from it, the evaluations so far and the metric
// log; within a stage the usual checkpoint (tagged with its stage) does. A killed run
// rebuilds the model's structure (the adapters of the stages before), loads the latest of
// them and continues bit-identically: every stage seeds LibTorch's generator from the run's
// seed and its index, and every step draws its batch from a stream of its own.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>

namespace tb {

// Returns false when a signal stopped training (after a checkpoint), true when done.
bool run_continual(const std::filesystem::path& dir, const nlohmann::json& job);

}  // namespace tb
