// chart-render renders a Helm chart's templates the way `helm template` does, for tests on machines without helm.
//
//	chart-render [-f values.yaml]... [-release NAME] [-namespace NS] [-notes] [-values-out merged.json] CHART_DIR
//
// It uses what helm itself is built on: Go's text/template, the same sprig function library (v3) and the same YAML
// conversion (ghodss/yaml, the library sigs.k8s.io/yaml was forked from), with helm's own additions re-implemented:
// include, tpl, required, toYaml, fromYaml, lookup (always empty, as in `helm template`), value
// coalescing (later files win, null deletes a default), .Release, .Chart, .Capabilities and .Template. Not
// implemented: subcharts, .Files, --set, hooks ordering, the kind-ordered output (files are printed in name order) and
// schema validation (the tests validate the merged values, written with -values-out, against values.schema.json).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"github.com/ghodss/yaml"
)

type valueFiles []string

func (v *valueFiles) String() string     { return strings.Join(*v, ",") }
func (v *valueFiles) Set(s string) error { *v = append(*v, s); return nil }

type apiVersions []string

// Has is what templates call as .Capabilities.APIVersions.Has "monitoring.coreos.com/v1".
func (a apiVersions) Has(version string) bool {
	for _, v := range a {
		if v == version {
			return true
		}
	}
	return false
}

func main() {
	var files valueFiles
	flag.Var(&files, "f", "values file (repeatable; later files win)")
	release := flag.String("release", "tollgate", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	notes := flag.Bool("notes", false, "also print templates/NOTES.txt")
	valuesOut := flag.String("values-out", "", "write the merged values as JSON to this file")
	extraAPIs := flag.String("api-versions", "", "comma-separated extra API versions for .Capabilities.APIVersions")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: chart-render [-f values.yaml]... [-release NAME] [-namespace NS] [-notes] CHART_DIR")
		os.Exit(2)
	}
	out, err := render(flag.Arg(0), files, *release, *namespace, *notes, *valuesOut, *extraAPIs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	os.Stdout.WriteString(out)
}

func readYAML(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	values := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return values, nil
}

// coalesce merges src over dst like helm: maps merge key by key, anything else replaces, and null deletes the key.
func coalesce(dst, src map[string]interface{}) map[string]interface{} {
	for key, value := range src {
		if value == nil {
			delete(dst, key)
			continue
		}
		srcMap, srcIsMap := value.(map[string]interface{})
		dstMap, dstIsMap := dst[key].(map[string]interface{})
		if srcIsMap && dstIsMap {
			dst[key] = coalesce(dstMap, srcMap)
		} else {
			dst[key] = value
		}
	}
	return dst
}

func chartObject(meta map[string]interface{}) map[string]interface{} {
	// helm exposes Chart.yaml's fields with capitalised names (.Chart.Name, .Chart.AppVersion, ...).
	chart := map[string]interface{}{}
	for key, value := range meta {
		chart[strings.ToUpper(key[:1])+key[1:]] = value
	}
	return chart
}

func render(chartDir string, files []string, release, namespace string, withNotes bool, valuesOut, extraAPIs string) (string, error) {
	meta, err := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	values, err := readYAML(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, file := range files {
		override, err := readYAML(file)
		if err != nil {
			return "", err
		}
		values = coalesce(values, override)
	}
	if valuesOut != "" {
		data, err := json.MarshalIndent(values, "", "  ")
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(valuesOut, data, 0o644); err != nil {
			return "", err
		}
	}

	chartName, _ := meta["name"].(string)
	apis := apiVersions{"v1", "apps/v1", "autoscaling/v2", "policy/v1", "networking.k8s.io/v1"}
	if extraAPIs != "" {
		apis = append(apis, strings.Split(extraAPIs, ",")...)
	}
	top := map[string]interface{}{
		"Values": values,
		"Chart":  chartObject(meta),
		"Release": map[string]interface{}{
			"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "Major": "1", "Minor": "30", "GitVersion": "v1.30.0"},
			"APIVersions": apis,
		},
	}

	paths, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		return "", err
	}
	sort.Strings(paths)
	root := template.New("gotpl").Option("missingkey=zero")
	funcs := funcMap(root)
	root.Funcs(funcs)
	var names []string
	for _, path := range paths {
		base := filepath.Base(path)
		if !(strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".tpl") || base == "NOTES.txt") {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		name := chartName + "/templates/" + base
		if _, err := root.New(name).Parse(string(data)); err != nil {
			return "", err
		}
		if strings.HasPrefix(base, "_") || (base == "NOTES.txt" && !withNotes) {
			continue
		}
		names = append(names, name)
	}

	var out strings.Builder
	for _, name := range names {
		scope := map[string]interface{}{}
		for key, value := range top {
			scope[key] = value
		}
		scope["Template"] = map[string]interface{}{"Name": name, "BasePath": chartName + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, scope); err != nil {
			return "", err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		out.WriteString("---\n# Source: " + name + "\n" + strings.TrimLeft(text, "\n"))
		if !strings.HasSuffix(text, "\n") {
			out.WriteString("\n")
		}
	}
	return out.String(), nil
}

func funcMap(root *template.Template) template.FuncMap {
	funcs := sprig.TxtFuncMap()
	// helm removes these two: a chart must not read the renderer's environment.
	delete(funcs, "env")
	delete(funcs, "expandenv")
	includeDepth := 0
	funcs["include"] = func(name string, data interface{}) (string, error) {
		includeDepth++
		defer func() { includeDepth-- }()
		if includeDepth > 1000 {
			return "", errors.New("include: too deep (recursive template?)")
		}
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return strings.ReplaceAll(buf.String(), "<no value>", ""), err
	}
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, errors.New(message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, errors.New(message)
		}
		return value, nil
	}
	funcs["toYaml"] = func(value interface{}) string {
		data, err := yaml.Marshal(value)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	funcs["fromYaml"] = func(text string) map[string]interface{} {
		out := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(text), &out); err != nil {
			out["Error"] = err.Error()
		}
		return out
	}
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	return funcs
}
