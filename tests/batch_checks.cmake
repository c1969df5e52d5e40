# tenet batch on a generated portfolio: byte-identical output whatever the thread count,
# one output line per input record, and shard summaries that merge into the whole's summary.
# Exit status 3 (some records were errors) is expected: the portfolio holds two bad records.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status ERROR_VARIABLE err)
  if(NOT status EQUAL 0 AND NOT status EQUAL 3)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${err}")
  endif()
endfunction()

set(policy ${SOURCE}/rules/customer_focus.tenet)
run(${GENERATE} -n 40000 --seed 5 -o ${WORK}/batch.jsonl)
# A few bad records, so that errors and rejects are exercised across blocks.
file(APPEND ${WORK}/batch.jsonl "{\"id\":\"bad1\",\"segment\":7}\nnot json at all\n")

foreach(threads 1 2 4)
  run(${TENET} batch ${policy} ${WORK}/batch.jsonl -o ${WORK}/batch.${threads}.out --threads ${threads}
      --summary ${WORK}/batch.${threads}.summary --sum annual_revenue --quiet)
endforeach()
foreach(threads 2 4)
  foreach(kind out summary)
    file(READ ${WORK}/batch.1.${kind} one)
    file(READ ${WORK}/batch.${threads}.${kind} other)
    if(NOT one STREQUAL other)
      message(FATAL_ERROR "--threads ${threads} wrote a different ${kind} than --threads 1")
    endif()
  endforeach()
endforeach()

# Nothing lost: as many output lines as input records, and the summary reconciles.
file(STRINGS ${WORK}/batch.1.out lines)
list(LENGTH lines count)
if(NOT count EQUAL 40002)
  message(FATAL_ERROR "40002 records in, ${count} lines out")
endif()
file(READ ${WORK}/batch.1.summary summary)
string(JSON records GET "${summary}" records)
string(JSON decided GET "${summary}" decided)
string(JSON errors GET "${summary}" errors)
math(EXPR reconciled "${decided} + ${errors}")
if(NOT records EQUAL 40002 OR NOT reconciled EQUAL records OR NOT errors EQUAL 2)
  message(FATAL_ERROR "summary does not reconcile: records ${records}, decided ${decided}, errors ${errors}")
endif()

# Shards: three parts of the same portfolio, batched apart and merged. The policy ranks profits
# with percentile(), so each shard's ranks are collected first and every shard ranks against all.
run(split -l 15000 -d ${WORK}/batch.jsonl ${WORK}/shard.)
set(ranks)
set(k 0)
foreach(shard 00 01 02)
  math(EXPR k "${k} + 1")
  run(${TENET} ranks ${policy} ${WORK}/shard.${shard} --input-format jsonl -o ${WORK}/shard.${shard}.ranks --shard ${k}/3)
  list(APPEND ranks --ranks ${WORK}/shard.${shard}.ranks)
endforeach()
# Ranks that are not the whole are refused: a shard twice, a shard missing, a file cut short or
# cut to its first line, and a ranks file naming no shard among several.
function(refused why expected)
  execute_process(COMMAND ${TENET} batch ${policy} ${WORK}/shard.00 --input-format jsonl -o ${WORK}/refused.out ${ARGN}
                  RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT status EQUAL 2 OR NOT err STREQUAL "${expected}\n" OR EXISTS ${WORK}/refused.out)
    message(FATAL_ERROR "ranks ${why}: exit ${status}, ${err}")
  endif()
endfunction()
refused("twice" "tenet: --ranks: shard 1/3 is given twice: its values would be counted twice"
        --ranks ${WORK}/shard.00.ranks --ranks ${WORK}/shard.00.ranks --ranks ${WORK}/shard.01.ranks --ranks ${WORK}/shard.02.ranks)
refused("missing" "tenet: --ranks: shard is missing: 3/3 (every record ranks against the whole portfolio, so every shard's ranks are needed)"
        --ranks ${WORK}/shard.00.ranks --ranks ${WORK}/shard.01.ranks)
file(READ ${WORK}/shard.01.ranks text)
string(LENGTH "${text}" length)
math(EXPR half "${length} / 2")
string(SUBSTRING "${text}" 0 ${half} cut)
string(REGEX REPLACE "\n[^\n]*$" "\n" cut "${cut}")  # cut at a line end, as a full disk might
file(WRITE ${WORK}/cut.ranks "${cut}")
string(REGEX MATCHALL "\n" newlines "${cut}")
list(LENGTH newlines cut_lines)
refused("cut short" "tenet: ${WORK}/cut.ranks: line ${cut_lines}: no end line ({\"tenet_ranks_end\":...}): the file was cut short"
        --ranks ${WORK}/shard.00.ranks --ranks ${WORK}/cut.ranks --ranks ${WORK}/shard.02.ranks)
string(REGEX MATCH "^[^\n]*\n" first "${text}")
file(WRITE ${WORK}/header-only.ranks "${first}")
refused("header only" "tenet: ${WORK}/header-only.ranks: line 1: no end line ({\"tenet_ranks_end\":...}): the file was cut short"
        --ranks ${WORK}/shard.00.ranks --ranks ${WORK}/header-only.ranks --ranks ${WORK}/shard.02.ranks)
run(${TENET} ranks ${policy} ${WORK}/shard.00 --input-format jsonl -o ${WORK}/unnamed.ranks)
refused("naming no shard" "tenet: --ranks: ranks file 2 names no shard: several ranks files must each be written with tenet ranks --shard K/N"
        --ranks ${WORK}/shard.00.ranks --ranks ${WORK}/unnamed.ranks)
set(summaries)
foreach(shard 00 01 02)
  run(${TENET} batch ${policy} ${WORK}/shard.${shard} --input-format jsonl -o ${WORK}/shard.${shard}.out
      --summary ${WORK}/shard.${shard}.summary --sum annual_revenue --quiet ${ranks})
  list(APPEND summaries ${WORK}/shard.${shard}.summary)
endforeach()
# Ranked against itself alone, a shard decides otherwise: the ranks are what makes shards agree.
run(${TENET} batch ${policy} ${WORK}/shard.00 --input-format jsonl -o ${WORK}/shard.00.alone.out --quiet)
file(READ ${WORK}/shard.00.out ranked)
file(READ ${WORK}/shard.00.alone.out alone)
if(ranked STREQUAL alone)
  message(FATAL_ERROR "shard 00 decided the same ranked alone as ranked against the whole portfolio: the test shows nothing")
endif()
# Ranks collected under other params are refused.
execute_process(COMMAND ${TENET} batch ${policy} ${WORK}/shard.00 --input-format jsonl -o - --param most_profitable_share=80% ${ranks}
                RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT status EQUAL 2 OR NOT err MATCHES "shard.00.ranks: line 1: the ranks of another policy or other params: ")
  message(FATAL_ERROR "ranks of other params: exit ${status}, ${err}")
endif()
run(${TENET} merge-summaries ${summaries} -o ${WORK}/merged.summary)
file(READ ${WORK}/merged.summary merged)
# Every count is the same; the inputs differ (three shards against one file).
string(JSON merged_inputs LENGTH "${merged}" inputs)
string(JSON merged REMOVE "${merged}" inputs)
string(JSON whole REMOVE "${summary}" inputs)
if(NOT merged STREQUAL whole OR NOT merged_inputs EQUAL 3)
  message(FATAL_ERROR "merged shard summaries differ from the summary of the whole:\n${merged}\n${whole}")
endif()
# The same shard twice is refused: it would count its records twice.
execute_process(COMMAND ${TENET} merge-summaries ${WORK}/shard.00.summary ${WORK}/shard.01.summary ${WORK}/shard.00.summary
                RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT status EQUAL 2 OR NOT err MATCHES "shard.00.summary: this input is already summed \\(input [0-9]+:[0-9a-f]+\\); a shard counted twice would inflate every count")
  message(FATAL_ERROR "merging a shard twice: exit ${status}, ${err}")
endif()

# Output to a device is written in place, never replaced by a renamed temporary file.
run(${TENET} batch ${policy} ${WORK}/shard.00 --input-format jsonl -o /dev/null --quiet)
execute_process(COMMAND test -c /dev/null RESULT_VARIABLE not_a_device)
if(NOT not_a_device EQUAL 0)
  message(FATAL_ERROR "-o /dev/null replaced the device")
endif()
