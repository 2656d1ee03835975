package session

// Browsers names the browsers found on the world's machine (the lab's
// staged one in a demo), so readable faces show the steps for those
// browsers only. It only looks paths up; nothing runs.
func (s *Session) Browsers() []string { return s.actionEnv().Browsers() }
