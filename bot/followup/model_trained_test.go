//go:build !race

// Training the models takes over ten minutes under the race detector on a 2-core
// machine and starts no goroutines, so this test is built only without -race:
// scripts/test runs it in a run of its own after the race run.

package followup

import (
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"testing"
)

// TestModelsAreTrained retrains the models from the training sets and compares them with
// model/models.txt.gz; -update-models writes the file.
func TestModelsAreTrained(t *testing.T) {
	ms := trainAll(loadTraining(t, trainingFiles(t)), defaultTrain)
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err := writeModels(zw, ms); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if *updateModels {
		if err := os.WriteFile("model/models.txt.gz", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := builtinModels()
	if err != nil {
		t.Fatal(err)
	}
	for n, m := range ms {
		h := have[n]
		if h == nil {
			t.Fatalf("model %s is not in model/models.txt.gz: run go test ./bot/followup -run TestModelsAreTrained -update-models", n)
		}
		diff := 0
		for f, ws := range m.w {
			hw := h.w[f]
			if len(hw) != len(ws) {
				diff++
				continue
			}
			for i := range ws {
				if hw[i].c != ws[i].c || math.Abs(hw[i].v-ws[i].v) > 0.002 {
					diff++
					break
				}
			}
		}
		// Floating point may round a weight differently on another CPU; a few features
		// may differ, a stale file differs in many.
		if diff > len(m.w)/200 || len(h.w) != len(m.w) && math.Abs(float64(len(h.w)-len(m.w))) > float64(len(m.w))/200 {
			t.Errorf("model %s: %d of %d features differ from model/models.txt.gz (%d there): run go test ./bot/followup -run TestModelsAreTrained -update-models", n, diff, len(m.w), len(h.w))
		}
	}
}
