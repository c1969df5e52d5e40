# CI runs tenet fmt --check: every policy of rules/ and bench/, and the formatted test inputs.
file(GLOB policies ${SOURCE}/rules/*.tenet ${SOURCE}/bench/*.tenet ${SOURCE}/tests/golden/eval/*.tenet)
execute_process(COMMAND ${TENET} fmt --check ${policies} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "not formatted (run tenet fmt on them):\n${out}${err}")
endif()
