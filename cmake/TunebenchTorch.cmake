# Finds LibTorch: Debian's libtorch-dev (found by default), or the LibTorch inside a
# pip-installed torch. For the latter pass its prefix, e.g.
#   -DCMAKE_PREFIX_PATH="$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')"
# When Python has torch and nothing else was found, that prefix is tried automatically.
find_package(Torch QUIET)
if(NOT Torch_FOUND)
  find_package(Python3 COMPONENTS Interpreter QUIET)
  if(Python3_FOUND)
    execute_process(
      COMMAND ${Python3_EXECUTABLE} -c "import torch; print(torch.utils.cmake_prefix_path)"
      OUTPUT_VARIABLE _tb_torch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(_tb_torch_prefix)
      list(APPEND CMAKE_PREFIX_PATH "${_tb_torch_prefix}")
    endif()
  endif()
  find_package(Torch REQUIRED)
endif()
message(STATUS "tunebench: LibTorch ${Torch_VERSION} from ${Torch_DIR}")
