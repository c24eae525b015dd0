#include "harness/train/training_options.h"

#include <algorithm>
#include <cmath>

namespace tb {

TrainingOptions TrainingOptions::from_json(const nlohmann::json& j) {
  TrainingOptions o;
  o.steps = j.at("steps").get<int64_t>();
  o.batch_size = j.at("batch_size").get<int64_t>();
  o.lr = j.at("lr").get<double>();
  o.warmup_steps = j.at("warmup_steps").get<int64_t>();
  o.schedule = j.at("schedule").get<std::string>();
  o.weight_decay = j.at("weight_decay").get<double>();
  o.grad_clip = j.at("grad_clip").get<double>();
  o.log_every = j.at("log_every").get<int64_t>();
  o.loss = j.value("loss", o.loss);
  o.masked_thought_rate = j.value("masked_thought_rate", o.masked_thought_rate);
  o.masked_thought_warmup = j.value("masked_thought_warmup", o.masked_thought_warmup);
  o.masked_thought_replace = j.value("masked_thought_replace", o.masked_thought_replace);
  o.replay = j.value("replay", o.replay);
  o.between_stages = j.value("between_stages", o.between_stages);
  o.rope_scaling = j.value("rope_scaling", o.rope_scaling);
  o.rope_factor = j.value("rope_factor", o.rope_factor);
  o.rope_original_length = j.value("rope_original_length", o.rope_original_length);
  o.pose_window = j.value("pose_window", o.pose_window);
  o.dtype = j.value("dtype", o.dtype);
  o.gradient_checkpointing = j.value("gradient_checkpointing", o.gradient_checkpointing);
  o.vocabulary_chunk = j.value("vocabulary_chunk", o.vocabulary_chunk);
  return o;
}

const Schema& training_schema() {
  static const Schema schema = {
      {.name = "steps", .type = FieldType::kInt, .default_value = 300, .min = 1, .max = kMaxSteps,
       .sweepable = true},
      {.name = "batch_size", .type = FieldType::kInt, .default_value = 32, .min = 1,
       .max = kMaxBatchSize, .sweepable = true},
      {.name = "lr", .type = FieldType::kNumber, .default_value = 1e-3, .min = 0,
       .min_exclusive = true, .sweepable = true, .help = "peak learning rate"},
      {.name = "warmup_steps", .type = FieldType::kInt, .default_value = 20, .min = 0,
       .max = kMaxSteps, .sweepable = true},
      {.name = "schedule", .type = FieldType::kString, .default_value = "cosine",
       .choices = {"cosine", "linear", "constant"}, .sweepable = true},
      {.name = "weight_decay", .type = FieldType::kNumber, .default_value = 0.0, .min = 0,
       .sweepable = true},
      {.name = "grad_clip", .type = FieldType::kNumber, .default_value = 1.0, .min = 0, .sweepable = true},
      {.name = "log_every", .type = FieldType::kInt, .default_value = 10, .min = 1,
       .max = kMaxSteps},
      {.name = "loss", .type = FieldType::kString, .default_value = "ce", .choices = {"ce", "dft"},
       .sweepable = true,
       .help = "token cross-entropy, or DFT's cross-entropy weighted by the detached token probability"},
      {.name = "masked_thought_rate", .type = FieldType::kNumber, .default_value = 0.0, .min = 0, .max = 1,
       .sweepable = true,
       .help = "Masked Thought: the largest rate at which response tokens in the inputs are replaced; 0: off"},
      {.name = "masked_thought_warmup", .type = FieldType::kNumber, .default_value = 0.66, .min = 0,
       .max = 1, .sweepable = true,
       .help = "fraction of the steps over which the mask rate rises linearly to its largest value; 0: fixed"},
      {.name = "masked_thought_replace", .type = FieldType::kString, .default_value = "mask",
       .choices = {"mask", "random"}, .sweepable = true,
       .help = "replace a chosen token with the mask token (pad) or a uniformly random byte token"},
      {.name = "replay", .type = FieldType::kNumber, .default_value = 0.0, .min = 0, .max = 0.9,
       .sweepable = true,
       .help = "specs with stages: the share of each batch's rows drawn from earlier stages' training items"},
      {.name = "between_stages", .type = FieldType::kString, .default_value = "restart",
       .choices = {"restart", "continue"}, .sweepable = true,
       .help = "specs with stages: restart (fold what a stage trained into the weights and prepare the method "
               "afresh: a new adapter, a new HFT half, reselected masks) or continue (the same trainable "
               "parameters and method state on through the stages)"},
      {.name = "rope_scaling", .type = FieldType::kString, .default_value = "none",
       .choices = {"none", "linear", "dynamic", "yarn", "llama3"}, .sweepable = true,
       .help = "RoPE scaling of the tuned model, saved in its config as Hugging Face's rope_scaling: linear "
               "(position interpolation), dynamic (NTK), yarn or llama3"},
      {.name = "rope_factor", .type = FieldType::kNumber, .default_value = 1.0, .min = 1, .max = 1024,
       .sweepable = true, .help = "rope_scaling's factor: the extended context over rope_original_length"},
      {.name = "rope_original_length", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = kMaxTokens,
       .sweepable = true,
       .help = "the context the base model was trained at (dynamic, yarn and llama3 pivot on it); 0: the "
               "base model's pretraining seq_len, or a checkpoint's max_position_embeddings"},
      {.name = "pose_window", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = kMaxTokens,
       .sweepable = true,
       .help = "PoSE: train on windows of this many tokens of each row, two chunks that keep their positions in "
               "the row, so short windows cover the row's whole length; 0: off"},
      {.name = "dtype", .type = FieldType::kString, .default_value = "fp32", .choices = {"fp32", "bf16"},
       .sweepable = true,
       .help = "bf16: frozen weights stored in bfloat16, trainable parameters and optimiser state in fp32, "
               "matrix products in bfloat16 with fp32 accumulation; evaluation (the base model's too) in the same "
               "precision"},
      {.name = "gradient_checkpointing", .type = FieldType::kBool, .default_value = false, .sweepable = true,
       .help = "keep only each block's input in the forward pass and recompute the block in the backward pass: "
               "activation memory of one block instead of all, for about one more forward pass of time"},
      {.name = "vocabulary_chunk", .type = FieldType::kInt, .default_value = 0, .min = 0, .max = 1 << 24,
       .sweepable = true,
       .help = "compute the training loss through the LM head this many vocabulary entries at a time, never "
               "holding the full logits (fused linear + cross-entropy); 0: full logits"},
  };
  return schema;
}

const std::vector<std::string>& training_keys_omitted_at_default() {
  static const std::vector<std::string> keys = {"loss", "masked_thought_rate", "masked_thought_warmup",
                                                "masked_thought_replace", "replay", "between_stages",
                                                "rope_scaling", "rope_factor", "rope_original_length",
                                                "pose_window", "dtype", "gradient_checkpointing",
                                                "vocabulary_chunk"};
  return keys;
}

double learning_rate_at(const TrainingOptions& o, int64_t step) {
  if (step < o.warmup_steps) return o.lr * double(step + 1) / double(o.warmup_steps);
  const double span = double(std::max<int64_t>(1, o.steps - o.warmup_steps));
  const double t = std::clamp(double(step - o.warmup_steps) / span, 0.0, 1.0);
  if (o.schedule == "cosine") return o.lr * 0.5 * (1.0 + std::cos(M_PI * t));
  if (o.schedule == "linear") return o.lr * (1.0 - t);
  return o.lr;
}

}  // namespace tb
