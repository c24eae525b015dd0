#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "kernels/cuda/element_access.cuh"

namespace tb::kernels::cuda {

void check_launch(const char* what) {
  const cudaError_t error = cudaGetLastError();
  if (error != cudaSuccess)
    throw std::runtime_error(std::string(what) + " kernel failed to launch: " + cudaGetErrorString(error));
}

}  // namespace tb::kernels::cuda
