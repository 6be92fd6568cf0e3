// Computes a few statistics and prints them.
function mean(values) {
  var sum = 0;
  for (var i = 0; i < values.length; i++) { sum += values[i]; }
  return sum / values.length;
}
var data = [3, 1, 4, 1, 5, 9, 2, 6];
var text = "Mean: " + mean(data).toFixed(2) + ", count: " + data.length;
WScript.Echo(text);
