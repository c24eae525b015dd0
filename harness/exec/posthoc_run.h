// The worker's post-hoc job (LiNeS, soups, task arithmetic): load the base model and each
// parent run's merged model, combine them with the method, and evaluate the result like
// a tuned model (result.json, method.json, model.safetensors). The job's "parents" list
// each parent's key and run folder.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>

namespace tb {

void run_posthoc(const std::filesystem::path& dir, const nlohmann::json& job);

}  // namespace tb
