// Critical alerts must be impossible to miss: while one fires unacknowledged (and not shelved), the title blinks, and when it
// starts firing a short tone plays if the viewer turned sound on (generated, no audio file to fetch).
import type { AlertBook } from "./alerts";
import { isShelved } from "./handling";

const soundKey = "monitor.sound";
const blinkMs = 1000;

export const soundEnabled = (): boolean => localStorage.getItem(soundKey) === "on";
export const setSoundEnabled = (on: boolean): void => localStorage.setItem(soundKey, on ? "on" : "off");

export function watchCriticalAlerts(alerts: AlertBook, baseTitle: string): void {
  let blink = 0;
  let odd = false;
  const update = (): void => {
    const critical = [...alerts.byId.values()].filter((alert) => alert.severity === "critical" && alert.state === "firing" && !alert.acknowledgedBy && !alert.silenced && !isShelved(alert, Date.now())).length;
    if (critical > 0 && blink === 0) {
      blink = window.setInterval(() => {
        odd = !odd;
        document.title = odd ? `(${critical}) CRITICAL – ${baseTitle}` : baseTitle;
      }, blinkMs);
    } else if (critical === 0 && blink !== 0) {
      window.clearInterval(blink);
      blink = 0;
      document.title = baseTitle;
    }
  };
  alerts.changed.on(update);
  alerts.transitions.on(({ transition, alert }) => {
    if (transition === "firing" && alert.severity === "critical" && !alert.silenced && soundEnabled()) {
      tone();
    }
  });
}

function tone(): void {
  const audio = new AudioContext();
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.frequency.value = 880;
  gain.gain.setValueAtTime(0.2, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start();
  oscillator.stop(audio.currentTime + 0.6);
  oscillator.onended = () => void audio.close();
}
