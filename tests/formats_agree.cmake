# Generates one seeded portfolio as JSONL and as CSV and checks that Tenet decides both alike.
foreach(format jsonl csv)
  execute_process(COMMAND ${GENERATE} -n 20000 --seed 11 --format ${format} -o ${WORK}/agree.${format}
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "generate_portfolio --format ${format} failed")
  endif()
  execute_process(COMMAND ${TENET} eval ${POLICY} ${WORK}/agree.${format} --format json -o ${WORK}/agree.${format}.out
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "tenet eval of the ${format} portfolio exited ${status}")
  endif()
endforeach()
file(READ ${WORK}/agree.jsonl.out from_jsonl)
file(READ ${WORK}/agree.csv.out from_csv)
string(LENGTH "${from_jsonl}" size)
if(size LESS 1000000 OR NOT from_jsonl STREQUAL from_csv)
  message(FATAL_ERROR "the JSONL and CSV portfolios were decided differently (or not at all)")
endif()
