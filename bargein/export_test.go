package bargein

// ReportCPU lets the benchmarks of package bargein_test report cpu-ns/op.
var ReportCPU = reportCPU
