# Compiler warnings, hardening and sanitizer flags as interface targets (STYLE.md "Habits").
add_library(amtcfg_warnings INTERFACE)
target_compile_options(amtcfg_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wformat=2)

# The tool runs as root with credentials: build it hardened.
add_library(amtcfg_hardening INTERFACE)
# -fPIE only for executables: the module libraries keep CMAKE_POSITION_INDEPENDENT_CODE's -fPIC,
# because the simulator's LD_PRELOAD library links them into a shared object (an ASan build
# cannot link PIE code there).
target_compile_options(amtcfg_hardening INTERFACE -fstack-protector-strong
  $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-fPIE>)
if(NOT AMTCFG_SANITIZE)
  target_compile_definitions(amtcfg_hardening INTERFACE $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
endif()
target_link_options(amtcfg_hardening INTERFACE -pie -Wl,-z,relro,-z,now)

if(AMTCFG_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer steers by coverage, so the code under test needs it, not only the fuzz target's own
# file: with AMTCFG_FUZZ (clang) every library is built with coverage and the sanitizers.
if(AMTCFG_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
