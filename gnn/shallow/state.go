package shallow

// StatefulSampler is a Sampler whose draws depend on a state it carries
// from one call to the next, such as the position of a random walk
// (package generators/walk): the batch of step k is drawn from
// StepRand(seed, k) and the state the batch of step k−1 left. Train saves
// the state in its checkpoints, and a resumed run restores it, so that the
// result stays bit-identical to an uninterrupted run.
//
// AppendState appends an encoding of the current state to dst and returns
// the extended slice; SetState restores a state AppendState encoded (an
// error when the encoding is not one of this sampler's). A stateful sampler
// is driven by one training run at a time: it is not safe for concurrent
// use.
type StatefulSampler interface {
	Sampler
	AppendState(dst []byte) []byte
	SetState(state []byte) error
}
