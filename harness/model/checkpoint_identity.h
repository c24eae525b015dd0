// The identity of a Hugging Face model folder in run keys: a hash of the contents of its
// config.json and weight files (not of its path), so the same checkpoint anywhere gives
// the same keys and a changed file gives new ones. Hashing gigabytes takes a while, so
// the result is cached beside the files (.tunebench-identity.json) with each file's size
// and modification time, and recomputed when any of them differs.
#pragma once
#include <filesystem>
#include <string>

namespace tb {

// Hex SHA-256. Each file is hashed in 64 MiB chunks (the SHA-256 of the chunks' digests),
// then the file names and digests together. The cache is best effort: a read-only folder
// is hashed each time.
std::string checkpoint_identity(const std::filesystem::path& folder);

// The same for a PEFT adapter folder: adapter_config.json and adapter_model.safetensors.
std::string peft_adapter_identity(const std::filesystem::path& folder);

}  // namespace tb
