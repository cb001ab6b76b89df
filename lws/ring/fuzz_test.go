package ring

import "testing"

// FuzzRing drives random inserts and consumes by three readers and checks
// the ring against a plain model: a list of what each reader has not read.
func FuzzRing(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 2, 3, 0, 1, 1})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3})
	f.Fuzz(func(t *testing.T, ops []byte) {
		const size = 6
		destroyed := 0
		r := New(size, func(*int) { destroyed++ })
		tails := make([]Tail, 3)
		model := make([][]int, 3) // what each reader has yet to see
		all := func(yield func(Tail) bool) {
			for _, tl := range tails {
				if !yield(tl) {
					return
				}
			}
		}
		held := func() int { // elements still held: the slowest reader's backlog
			m := 0
			for _, q := range model {
				m = max(m, len(q))
			}
			return m
		}
		next := 0
		for _, op := range ops {
			switch op % 4 {
			case 0:
				if r.Insert(next) == 1 {
					for i := range model {
						model[i] = append(model[i], next)
					}
					next++
				} else if held() != size-1 {
					t.Fatalf("insert refused with %d held", held())
				}
			default:
				i := int(op%4) - 1
				p := r.Get(&tails[i])
				if (p == nil) != (len(model[i]) == 0) {
					t.Fatalf("reader %d: get %v, model %v", i, p, model[i])
				}
				if p == nil {
					continue
				}
				if *p != model[i][0] {
					t.Fatalf("reader %d got %d want %d", i, *p, model[i][0])
				}
				model[i] = model[i][1:]
				r.ConsumeAndUpdateOldest(&tails[i], 1, all)
			}
			if r.WaitingCount(nil) != held() {
				t.Fatalf("ring holds %d, model %d", r.WaitingCount(nil), held())
			}
			if destroyed != next-held() {
				t.Fatalf("destroyed %d, retired %d", destroyed, next-held())
			}
		}
	})
}
