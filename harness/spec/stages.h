// Continual fine-tuning specs: `stages`, an ordered list of tasks a run trains through, each
// {"task": {...}, "steps": N, "lr_scale": x}. A stage's steps replace training.steps; its
// lr_scale multiplies the method entry's learning rate (an absolute rate per stage would
// erase the learning rates that differ between methods). A run's config keeps the list
// under "stages"; its "task" is the last stage's (the final evaluation's task).
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "harness/spec/schema.h"

namespace tb {

// Validates the `stages` list (at least two); `parse_task` validates one task section.
nlohmann::json parse_stages(const nlohmann::json& section, const JsonLocation& at,
                            const std::function<nlohmann::json(const nlohmann::json&, const JsonLocation&)>& parse_task);

struct MethodEntry;  // harness/spec/spec.h

// What the method entries may ask of stages: with `staged` (a spec with stages) every method
// must be able to train through them (no post-hoc methods, no Masked Thought, between_stages
// "continue" for a method whose merged model has parameters the base lacks, "restart" for
// O-LoRA and the on-policy methods); without it, replay and
// between_stages are refused. `training` is the validated training section; `at` the spec's top.
void check_stage_options(const std::vector<MethodEntry>& entries, const nlohmann::json& training, bool staged,
                         const JsonLocation& at);

// True when a run's config trains through stages.
bool is_continual(const nlohmann::json& config);

// The run's config as stage `stage` trains: that stage's task, its steps and learning rate.
nlohmann::json stage_config(const nlohmann::json& config, size_t stage);

// Optimiser steps of the whole run: the sum over its stages, or training.steps.
int64_t total_training_steps(const nlohmann::json& config);

}  // namespace tb
