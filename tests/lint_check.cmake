# CI runs tenet lint on every policy of rules/: no finding, or each allowed where it stands.
file(GLOB policies ${SOURCE}/rules/*.tenet)
foreach(policy ${policies})
  execute_process(COMMAND ${TENET} lint ${policy} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "tenet lint ${policy} found something:\n${out}${err}")
  endif()
endforeach()
