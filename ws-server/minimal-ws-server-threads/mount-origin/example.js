// Shows the last 50 lines the server's producer goroutines sent over the
// "lws-minimal" subprotocol.

document.addEventListener("DOMContentLoaded", function () {
	var scheme = document.location.protocol === "https:" ? "wss://" : "ws://";
	var ws = new WebSocket(scheme + document.location.host + "/", "lws-minimal");
	var r = document.getElementById("r");
	var status = document.getElementById("status");
	var lines = [];

	ws.onopen = function () {
		status.textContent = "ws open";
	};
	ws.onmessage = function (msg) {
		lines.push(msg.data);
		if (lines.length > 50) {
			lines.shift();
		}
		r.value = lines.join("\n");
	};
	ws.onclose = function () {
		status.textContent = "ws closed";
	};
});
