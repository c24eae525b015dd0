// The safetensors format (huggingface/safetensors): 8-byte little-endian header length
// N, N bytes of JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, optional
// "__metadata__": {str: str}}, then the raw little-endian tensor bytes.
#pragma once
#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tb {

using TensorMap = std::map<std::string, torch::Tensor>;

struct SafetensorsFile {
  TensorMap tensors;
  std::map<std::string, std::string> metadata;
};

// One tensor's place in a file: bytes [begin, end) after the header.
struct SafetensorsEntry {
  std::string name;
  torch::ScalarType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;
};

// A file's header, read without its tensor data.
struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in the header's order
  std::map<std::string, std::string> metadata;
  uint64_t data_start = 0;
};
SafetensorsHeader read_safetensors_header(const std::filesystem::path& path);

// Reads one entry's bytes into `dest` (same number of elements, any floating dtype):
// straight into dest's memory when the dtypes agree, else through a buffer of the entry's
// size, then converted. `scratch` (a uint8 tensor), when given and large enough, is that
// buffer, so that loading many tensors reuses one. Peak memory beyond dest is at most one
// entry.
void read_safetensors_tensor(const std::filesystem::path& path, const SafetensorsHeader& header,
                             const SafetensorsEntry& entry, torch::Tensor& dest,
                             const torch::Tensor* scratch = nullptr);

// Writes atomically (temporary file + rename). Tensors are written from CPU, contiguous.
void save_safetensors(const std::filesystem::path& path, const TensorMap& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Throws std::runtime_error naming the file on a malformed or truncated file.
SafetensorsFile load_safetensors(const std::filesystem::path& path);

}  // namespace tb
