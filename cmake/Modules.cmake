# amtcfg_module(NAME DEPS ...): one static library per folder src/NAME, public headers in
# include/amtcfg/NAME. The list of modules defined so far is kept in AMTCFG_MODULES.
function(amtcfg_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${name}/*.cpp)
  add_library(amtcfg_${name} STATIC ${sources})
  target_include_directories(amtcfg_${name}
    PUBLIC ${CMAKE_SOURCE_DIR}/include
    PRIVATE ${CMAKE_SOURCE_DIR}/src/${name})
  target_link_libraries(amtcfg_${name} PUBLIC ${ARG_DEPS} PRIVATE amtcfg_warnings amtcfg_hardening)
  set(AMTCFG_MODULES ${AMTCFG_MODULES} amtcfg_${name} PARENT_SCOPE)
endfunction()
