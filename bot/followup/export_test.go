package followup

// LabelledSet and LabelledItem are the layout of the labelled sets in testdata (see
// labelled), for the evaluation tests of package followup_test.
type (
	LabelledSet  = labelled
	LabelledItem = item
)
