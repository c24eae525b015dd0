// The safetensors format (huggingface/safetensors): 8-byte little-endian header length
// N, N bytes of JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, optional
// "__metadata__": {str: str}}, then the raw little-endian tensor bytes.
#pragma once
#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>

namespace tb {

using TensorMap = std::map<std::string, torch::Tensor>;

struct SafetensorsFile {
  TensorMap tensors;
  std::map<std::string, std::string> metadata;
};

// Writes atomically (temporary file + rename). Tensors are written from CPU, contiguous.
void save_safetensors(const std::filesystem::path& path, const TensorMap& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Throws std::runtime_error naming the file on a malformed or truncated file.
SafetensorsFile load_safetensors(const std::filesystem::path& path);

}  // namespace tb
