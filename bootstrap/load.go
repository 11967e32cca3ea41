package bootstrap

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"

	"github.com/joho/godotenv"
)

// LoadParams says where Load reads settings from.
type LoadParams struct {
	Args      []string                    // command-line arguments, without the program name
	LookupEnv func(string) (string, bool) // usually os.LookupEnv
	Output    io.Writer                   // where -h prints usage
}

// Load builds a Config from, highest precedence first: flags, environment
// variables, the .env file named by --env-file (default ".env"; a missing
// file is fine), and the defaults. The result is validated.
func Load(p LoadParams) (Config, error) {
	fset := flag.NewFlagSet("popbox", flag.ContinueOnError)
	fset.SetOutput(p.Output)
	envFile := fset.String("env-file", ".env", "optional file of KEY=value settings, below the environment in precedence")
	settings := Settings()
	flagValues := make(map[string]*flagValue, len(settings))
	for _, s := range settings {
		fv := &flagValue{v: s.Default, isBool: s.Default == "false" || s.Default == "true"}
		flagValues[s.Flag] = fv
		fset.Var(fv, s.Flag, fmt.Sprintf("%s (env %s)", s.Help, s.Env))
	}
	if err := fset.Parse(p.Args); err != nil {
		return Config{}, err
	}
	if fset.NArg() > 0 {
		return Config{}, fmt.Errorf("config: unexpected argument %q", fset.Arg(0))
	}
	dotenv, err := godotenv.Read(*envFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Config{}, fmt.Errorf("config: reading %s: %w", *envFile, err)
	}
	setFlags := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { setFlags[f.Name] = true })

	var c Config
	for _, s := range settings {
		v, from := s.Default, "default"
		if dv, ok := dotenv[s.Env]; ok {
			v, from = dv, *envFile
		}
		if ev, ok := p.LookupEnv(s.Env); ok {
			v, from = ev, "environment"
		}
		if setFlags[s.Flag] {
			v, from = flagValues[s.Flag].v, "flag"
		}
		if err := s.apply(&c, v); err != nil {
			return Config{}, &SettingError{Setting: s.Env, Reason: fmt.Sprintf("(from %s) %v", from, err)}
		}
	}
	return c, c.Validate()
}

// flagValue holds a flag's text for the setting to parse; boolean settings
// may be given bare (--test-handlers means --test-handlers=true).
type flagValue struct {
	v      string
	isBool bool
}

func (f *flagValue) String() string {
	if f == nil {
		return ""
	}
	return f.v
}

func (f *flagValue) Set(v string) error { f.v = v; return nil }

// IsBoolFlag tells package flag that the value may be left out.
func (f *flagValue) IsBoolFlag() bool { return f.isBool }
