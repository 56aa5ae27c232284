# Writes the build's version and commit into one small generated .cpp (cmake -P, run on every
# build by the amtcfg_build_info target). The file is rewritten only when its text changes, so a
# new commit recompiles that one file and relinks amtcfg, nothing else.
# In: SOURCE_DIR, OUTPUT, TEMPLATE, VERSION, GIT_EXECUTABLE (empty when git was not found).
set(AMTCFG_BUILD_VERSION "${VERSION}")
set(AMTCFG_BUILD_COMMIT "")
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  # --always: a checkout without tags still names its commit; --dirty: uncommitted changes.
  # --no-optional-locks: a build never takes the index lock from a git command running beside it.
  execute_process(COMMAND "${GIT_EXECUTABLE}" --no-optional-locks describe --always --dirty
                  WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE described OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE status ERROR_QUIET)
  if(status EQUAL 0 AND described MATCHES "^[0-9A-Za-z.+_-]+$")
    set(AMTCFG_BUILD_COMMIT "${described}")
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}.new" @ONLY)
file(READ "${OUTPUT}.new" wanted)
set(current "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" current)
endif()
if(NOT wanted STREQUAL current)
  file(RENAME "${OUTPUT}.new" "${OUTPUT}")
else()
  file(REMOVE "${OUTPUT}.new")
endif()
