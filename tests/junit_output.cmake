# tenet test --junit writes JUnit XML: a suite per file, a case per test, the failure's differences.
execute_process(COMMAND ${TENET} test ${SOURCE}/tests/golden/eval/trust.tests.jsonl --junit ${WORK}/junit.xml
                RESULT_VARIABLE status OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT status EQUAL 1)
  message(FATAL_ERROR "expected exit 1 (one test fails on purpose), got ${status}: ${err}")
endif()
file(READ ${WORK}/junit.xml xml)
foreach(expected
    "<testsuite name=\"${SOURCE}/tests/golden/eval/trust.tests.jsonl\" tests=\"3\" failures=\"1\">"
    "<testcase name=\"drop a loss\" classname=\"${SOURCE}/tests/golden/eval/trust.tests.jsonl\" file=\"${SOURCE}/tests/golden/eval/trust.tests.jsonl\" line=\"3\"/>"
    "<failure message=\"decision: expected reprice, got drop\">decision: expected reprice, got drop\nfired: expected thin, got detractor, drop, thin\nnot_fired: rule detractor is fired\nprovisional: expected true, got false\nbecause drop: margin -0.5\n</failure>")
  string(FIND "${xml}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "junit.xml lacks: ${expected}\n--- it holds:\n${xml}")
  endif()
endforeach()
