# tenet test --coverage on the archetypes: they make every rule of the library fire and not fire,
# and every and/or operand both true and false.
execute_process(COMMAND ${TENET} test ${SOURCE}/rules/customer_focus.tests.jsonl --coverage RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "tenet test rules/customer_focus.tests.jsonl --coverage: exit ${status}\n${out}${err}")
endif()
if(out MATCHES "never" OR NOT out MATCHES "rule release_unprofitable: fired [1-9]" OR NOT out MATCHES "and/or operands were both true and false\n[0-9]+ passed, 0 failed\n$")
  message(FATAL_ERROR "the archetypes leave part of the library untested:\n${out}")
endif()
string(REGEX MATCH "([0-9]+) of ([0-9]+) and/or operands" counts "${out}")
if(NOT CMAKE_MATCH_1 EQUAL CMAKE_MATCH_2)
  message(FATAL_ERROR "only ${CMAKE_MATCH_1} of ${CMAKE_MATCH_2} operands were both true and false:\n${out}")
endif()
