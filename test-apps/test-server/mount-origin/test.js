// Talks to the test server's two standard protocols.
function wsURL(path) {
	var scheme = document.location.protocol === "https:" ? "wss://" : "ws://";
	return scheme + document.location.host + path;
}

document.addEventListener("DOMContentLoaded", function () {
	var di = new WebSocket(wsURL("/"), "dumb-increment-protocol");
	di.onopen = function () { document.getElementById("di-status").textContent = "ws open"; };
	di.onmessage = function (m) { document.getElementById("number").textContent = m.data; };
	di.onclose = function () { document.getElementById("di-status").textContent = "ws closed"; };
	document.getElementById("reset").addEventListener("click", function () { di.send("reset\n"); });

	var mirror = new WebSocket(wsURL("/?mirror=test"), "lws-mirror-protocol");
	mirror.onopen = function () { document.getElementById("mirror-status").textContent = "ws open"; };
	mirror.onmessage = function (m) { document.getElementById("mirrored").textContent += m.data + "\n"; };
	mirror.onclose = function () { document.getElementById("mirror-status").textContent = "ws closed"; };
	var status = new WebSocket(wsURL("/"), "lws-status");
	status.onmessage = function (m) {
		document.getElementById("status-count").textContent = JSON.parse(m.data).conns.length;
	};
	document.getElementById("send").addEventListener("click", function () {
		var m = document.getElementById("m");
		mirror.send(m.value);
		m.value = "";
	});
});
