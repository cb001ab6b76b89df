// Echoes every message of the "lws-minimal-pmd-bulk" protocol back to the
// server and lists what arrived.
document.addEventListener("DOMContentLoaded", function () {
	var scheme = document.location.protocol === "https:" ? "wss://" : "ws://";
	var ws = new WebSocket(scheme + document.location.host + "/", "lws-minimal-pmd-bulk");
	ws.binaryType = "arraybuffer";
	var log = document.getElementById("log");
	ws.onopen = function () {
		document.getElementById("status").textContent = "ws open";
		document.getElementById("ext").textContent = ws.extensions || "(none)";
	};
	ws.onmessage = function (msg) {
		var size = msg.data.byteLength !== undefined ? msg.data.byteLength : msg.data.length;
		log.textContent += "received " + size + " bytes, sending them back\n";
		ws.send(msg.data);
	};
	ws.onclose = function () {
		document.getElementById("status").textContent = "ws closed";
	};
});
