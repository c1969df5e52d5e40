; CLIPS (Debian's clips): the benchmark policy (bench/policy.tenet) as production rules.
; bench/run converts the portfolio into one fact per line (clips_facts.py, not timed), then
; runs: clips -f2 clips_rules.clp with the path in ?*input*. Each customer is asserted, the
; rules run, the highest-priority proposal wins (keep when none), the fact is retracted.
(deftemplate customer
  (slot id) (slot annual_revenue) (slot cost_to_serve) (slot satisfaction) (slot repeat_rate)
  (slot tenure_years) (slot custom_processes) (multislot expectations) (multislot churn_signals)
  (slot acquired_for (default nil)) (slot offerings_used (default nil)) (slot expected_score (default nil))
  (slot experienced_score (default nil)) (slot frontline_engagement (default nil))
  (slot price_sensitivity (default nil)) (slot revenue_growth (default nil))
  (slot goal_attainment (default nil)) (slot ideas_adopted (default nil)) (slot product_maturity (default nil)))
(deftemplate tally (slot action) (slot n))

(defglobal ?*best* = 0 ?*action* = keep)

(deffunction propose (?action ?priority)
  (if (> ?priority ?*best*) then (bind ?*best* ?priority) (bind ?*action* ?action)))

; An absent optional field is nil: (numberp ?x) keeps it from satisfying a comparison.
(defrule release_unprofitable
  (customer (cost_to_serve ?c) (annual_revenue ?r) (tenure_years ?t)) (test (and (> ?c ?r) (>= ?t 1)))
  => (propose release 90))
(defrule frontline_first
  (customer (frontline_engagement ?e&:(numberp ?e)&:(< ?e 6)))
  => (propose engage_frontline 80))
(defrule unsustainable_processes
  (customer (custom_processes ?p&:(> ?p 3)) (expectations $?x&:(member$ "on_site_staff" ?x)))
  => (propose renegotiate 70))
(defrule leaving
  (customer (churn_signals $?s&:(member$ "competitor_eval" ?s)) (annual_revenue ?r) (cost_to_serve ?c))
  (test (> ?r ?c))
  => (propose retention_review 68))
(defrule satisfied_not_loyal
  (customer (satisfaction ?s&:(>= ?s 7)) (repeat_rate ?r&:(< ?r 0.3)))
  => (propose elevate_experience 60))
(defrule not_succeeding
  (customer (goal_attainment ?g&:(numberp ?g)&:(< ?g 0.5)))
  => (propose success_plan 58))
(defrule close_gap
  (customer (expected_score ?e&:(numberp ?e)&:(>= ?e 8)) (experienced_score ?x&:(numberp ?x)&:(< ?x 5)))
  => (propose close_gap 55))
(defrule wrong_customer
  (customer (acquired_for "growth") (custom_processes ?p&:(> ?p 3)))
  => (propose reassess_fit 50))
(defrule commodity_drift
  (customer (product_maturity "mature") (price_sensitivity ?p&:(numberp ?p)&:(>= ?p 0.6)))
  => (propose differentiate 40))
(defrule give_to_get
  (customer (tenure_years ?t&:(>= ?t 5)) (repeat_rate ?r&:(>= ?r 0.7)) (satisfaction ?s&:(< ?s 9)))
  => (propose delight 35))
(defrule grow_with_success
  (customer (goal_attainment ?g&:(numberp ?g)&:(>= ?g 0.8)) (revenue_growth ?v&:(numberp ?v)&:(<= ?v 0)))
  => (propose expand_account 28))
(defrule deepen_relationship
  (customer (offerings_used ?o&:(numberp ?o)&:(<= ?o 1)) (satisfaction ?s&:(>= ?s 7)))
  => (propose cross_sell 25))
(defrule idea_source
  (customer (ideas_adopted ?i&:(numberp ?i)&:(>= ?i 2)))
  => (propose co_innovate 20))

(deffunction count-decision (?action)
  (if (not (do-for-fact ((?t tally)) (eq ?t:action ?action) (modify ?t (n (+ ?t:n 1)))))
   then (assert (tally (action ?action) (n 1)))))

(deffunction decide-all (?path)
  (open ?path facts "r")
  (bind ?line (readline facts))
  (while (neq ?line EOF) do
    (bind ?*best* 0)
    (bind ?*action* keep)
    (bind ?customer (assert-string ?line))
    (run)
    (count-decision ?*action*)
    (retract ?customer)
    (bind ?line (readline facts)))
  (close facts)
  (do-for-all-facts ((?t tally)) TRUE (printout t ?t:action " " ?t:n crlf)))
